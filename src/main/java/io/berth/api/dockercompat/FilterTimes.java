package io.berth.api.dockercompat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.berth.error.InvalidParameterException;

/**
 * The times in {@code filters} the way dockerd reads them, for the prune endpoints of every resource: unlike the
 * {@code since}/{@code until} parameters ({@link DockerTimestamp}), the CLI passes these on as the user typed them.
 */
public final class FilterTimes {

	private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

	private FilterTimes() {
	}

	/** An {@code until} value: unix seconds (with fraction), an RFC 3339 time, or a Go duration before now. */
	public static Instant until(String value) {
		try {
			if (value.matches("^\\d+(\\.\\d+)?$")) {
				double seconds = Double.parseDouble(value);
				return Instant.ofEpochSecond((long) seconds, (long) ((seconds % 1) * 1e9));
			}
			if (value.contains("T")) {
				return OffsetDateTime.parse(value).toInstant();
			}
		}
		catch (DateTimeParseException | NumberFormatException ex) {
			throw new InvalidParameterException("invalid until filter: " + value);
		}
		Matcher m = DURATION.matcher(value);
		long nanos = 0;
		int end = 0;
		while (m.find() && m.start() == end) {
			double n = Double.parseDouble(m.group(1));
			long unit = switch (m.group(2)) {
				case "ns" -> 1L;
				case "us", "µs" -> 1_000L;
				case "ms" -> 1_000_000L;
				case "s" -> 1_000_000_000L;
				case "m" -> 60_000_000_000L;
				default -> 3_600_000_000_000L;
			};
			nanos += (long) (n * unit);
			end = m.end();
		}
		if (end == 0 || end != value.length()) {
			throw new InvalidParameterException("invalid until filter: " + value);
		}
		return Instant.now().minus(Duration.ofNanos(nanos));
	}

}
