package io.berth.logs.view;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Parses record times. The form the monitor writes, {@code 2026-01-02T15:04:05.123456789Z}, is read straight from
 * the bytes because a first page of a big log parses a million of them; anything else goes to the JDK's parser.
 */
final class LogTimes {

	private static final int SHORTEST = "2026-01-02T15:04:05Z".length();

	private LogTimes() {
	}

	/** The time, or null when it is not RFC 3339. */
	static Instant parse(String time) {
		byte[] b = time.getBytes(StandardCharsets.ISO_8859_1);
		return parse(b, 0, b.length);
	}

	/** The time in {@code b[off, off + len)} (Latin-1), or null when it is not RFC 3339. */
	static Instant parse(byte[] b, int off, int len) {
		Instant fast = parseUtc(b, off, len);
		if (fast != null || len < SHORTEST) {
			return fast;
		}
		try {
			String s = new String(b, off, len, StandardCharsets.ISO_8859_1);
			return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	private static Instant parseUtc(byte[] b, int off, int len) {
		if (len < SHORTEST || len > SHORTEST + 10 || b[off + len - 1] != 'Z' || b[off + 4] != '-' || b[off + 7] != '-'
				|| b[off + 10] != 'T' || b[off + 13] != ':' || b[off + 16] != ':') {
			return null;
		}
		int year = digits(b, off, 4);
		int month = digits(b, off + 5, 2);
		int day = digits(b, off + 8, 2);
		int hour = digits(b, off + 11, 2);
		int minute = digits(b, off + 14, 2);
		int second = digits(b, off + 17, 2);
		if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 || hour > 23
				|| minute < 0 || minute > 59 || second < 0 || second > 59) {
			return null;
		}
		int nanos = 0;
		int fractionDigits = len - SHORTEST - 1;
		if (len > SHORTEST) {
			if (b[off + 19] != '.' || fractionDigits < 1) {
				return null;
			}
			nanos = digits(b, off + 20, fractionDigits);
			if (nanos < 0) {
				return null;
			}
			for (int i = fractionDigits; i < 9; i++) {
				nanos *= 10;
			}
		}
		long seconds = epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second;
		return Instant.ofEpochSecond(seconds, nanos);
	}

	private static int digits(byte[] b, int off, int count) {
		int v = 0;
		for (int i = off; i < off + count; i++) {
			int d = b[i] - '0';
			if (d < 0 || d > 9) {
				return -1;
			}
			v = v * 10 + d;
		}
		return v;
	}

	private static int daysInMonth(int year, int month) {
		boolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
		return switch (month) {
			case 2 -> leap ? 29 : 28;
			case 4, 6, 9, 11 -> 30;
			default -> 31;
		};
	}

	/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
	private static long epochDay(int year, int month, int day) {
		int y = (month <= 2) ? year - 1 : year;
		int era = Math.floorDiv(y, 400);
		int yearOfEra = y - era * 400;
		int dayOfYear = (153 * (month + ((month > 2) ? -3 : 9)) + 2) / 5 + day - 1;
		int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
		return era * 146_097L + dayOfEra - 719_468;
	}

}
