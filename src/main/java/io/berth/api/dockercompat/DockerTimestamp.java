package io.berth.api.dockercompat;

import java.time.DateTimeException;
import java.time.Instant;

import io.berth.error.InvalidParameterException;
import org.jspecify.annotations.Nullable;

/**
 * Parses the {@code since}/{@code until} timestamps of the Docker API: unix seconds, optionally followed by a dot and
 * a fraction ({@code 1795846625} or {@code 1795846625.000000123}). The CLI turns relative and RFC 3339 values into
 * this form before sending them.
 *
 * @see <a href="https://github.com/moby/moby/blob/v28.2.2/api/types/time/timestamp.go">moby ParseTimestamps</a>
 */
public final class DockerTimestamp {

	private DockerTimestamp() {
	}

	/** Returns the instant, or null when the value is absent or blank. */
	public static @Nullable Instant parse(@Nullable String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String v = value.trim();
		int dot = v.indexOf('.');
		String seconds = (dot < 0) ? v : v.substring(0, dot);
		String fraction = (dot < 0) ? "" : v.substring(dot + 1);
		try {
			long sec = Long.parseLong(seconds);
			long nanos = 0;
			if (!fraction.isEmpty()) {
				if (!fraction.chars().allMatch(Character::isDigit)) {
					throw new NumberFormatException(fraction);
				}
				// The fraction is the decimal part of a second: ".5" is half a second, as in moby's parser.
				String nine = (fraction.length() >= 9) ? fraction.substring(0, 9)
						: fraction + "0".repeat(9 - fraction.length());
				nanos = Long.parseLong(nine);
			}
			return Instant.ofEpochSecond(sec, nanos);
		}
		catch (NumberFormatException | DateTimeException ex) {
			throw new InvalidParameterException("invalid value for " + name + ": " + value);
		}
	}

	/** Nanoseconds since the epoch, the unit of {@code timeNano}. */
	public static long toNanos(Instant instant) {
		return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
	}

}
