package io.berth.api.dockercompat.image;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.berth.api.dockercompat.FilterArgs;
import io.berth.error.InvalidParameterException;

/** Query values the way dockerd reads them: its boolean rule, the dangling filter, and prune's until times. */
public final class QueryValues {

	private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

	private QueryValues() {
	}

	/** False for absent, empty, {@code 0}, {@code no}, {@code false} and {@code none}; true otherwise. */
	static boolean bool(String value) {
		if (value == null) {
			return false;
		}
		String v = value.trim().toLowerCase(Locale.ROOT);
		return !(v.isEmpty() || v.equals("0") || v.equals("no") || v.equals("false") || v.equals("none"));
	}

	/** The {@code dangling} filter: null when absent; true or false as given, anything else refused. */
	static Boolean dangling(FilterArgs filters) {
		List<String> values = filters.get("dangling");
		if (values.isEmpty()) {
			return null;
		}
		Boolean result = null;
		for (String v : values) {
			boolean b = switch (v.toLowerCase(Locale.ROOT)) {
				case "true", "1" -> true;
				case "false", "0" -> false;
				default -> throw new InvalidParameterException("Invalid filter 'dangling=" + v + "'");
			};
			result = (result == null) ? b : (result || b);
		}
		return result;
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
