package io.berth.build.dockerfile;

import java.util.ArrayList;
import java.util.List;

/**
 * The few Go standard library behaviours moby's parser leans on ({@code unicode.IsSpace}, {@code %q},
 * {@code time.ParseDuration}, {@code strconv.ParseInt}), so Berth splits, trims and words errors the same way.
 */
final class GoText {

	private static final long NANOS_PER_MICRO = 1_000L;

	private static final long NANOS_PER_MILLI = 1_000_000L;

	private static final long NANOS_PER_SECOND = 1_000_000_000L;

	/** 1 << 63 as an unsigned 64-bit number, the bound Go's duration parser checks against. */
	private static final long BOUND = Long.MIN_VALUE;

	private GoText() {
	}

	/** Go's {@code unicode.IsSpace}. */
	static boolean isSpace(int ch) {
		if (ch < 0x100) {
			return ch == ' ' || (ch >= '\t' && ch <= '\r') || ch == 0x85 || ch == 0xA0;
		}
		return ch == 0x1680 || (ch >= 0x2000 && ch <= 0x200A) || ch == 0x2028 || ch == 0x2029 || ch == 0x202F
				|| ch == 0x205F || ch == 0x3000;
	}

	/** The characters of moby's {@code reWhitespace}, {@code [\t\v\f\r ]}. */
	static boolean isBlank(char ch) {
		return ch == ' ' || ch == '\t' || ch == 0x0B || ch == '\f' || ch == '\r';
	}

	/** Go's {@code strings.TrimSpace}. */
	static String trimSpace(String s) {
		int start = 0;
		int end = s.length();
		while (start < end && isSpace(s.charAt(start))) {
			start++;
		}
		while (end > start && isSpace(s.charAt(end - 1))) {
			end--;
		}
		return s.substring(start, end);
	}

	/** Go's {@code strings.TrimLeftFunc(s, unicode.IsSpace)}. */
	static String trimLeftSpace(String s) {
		int start = 0;
		while (start < s.length() && isSpace(s.charAt(start))) {
			start++;
		}
		return s.substring(start);
	}

	/** {@code reWhitespace.Split(s, limit)} with limit 2 or -1 (all), as moby splits FROM, EXPOSE and COPY. */
	static List<String> splitBlanks(String s, int limit) {
		List<String> out = new ArrayList<>();
		int start = 0;
		int i = 0;
		while (i < s.length() && (limit < 0 || out.size() < limit - 1)) {
			if (isBlank(s.charAt(i))) {
				int end = i;
				while (i < s.length() && isBlank(s.charAt(i))) {
					i++;
				}
				out.add(s.substring(start, end));
				start = i;
			}
			else {
				i++;
			}
		}
		out.add(s.substring(start));
		return out;
	}

	/** Go's {@code %q} of a string, as moby's error messages quote words. */
	static String quote(String s) {
		StringBuilder out = new StringBuilder(s.length() + 2).append('"');
		s.codePoints().forEach((ch) -> {
			switch (ch) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case 0x07 -> out.append("\\a");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case 0x0B -> out.append("\\v");
				default -> {
					if (ch < 0x20 || ch == 0x7F) {
						out.append(String.format("\\x%02x", ch));
					}
					else if (ch >= Character.MIN_SURROGATE && ch <= Character.MAX_SURROGATE) {
						out.append('\uFFFD');
					}
					else if (isPrint(ch)) {
						out.appendCodePoint(ch);
					}
					else if (ch < 0x10000) {
						out.append(String.format("\\u%04x", ch));
					}
					else {
						out.append(String.format("\\U%08x", ch));
					}
				}
			}
		});
		return out.append('"').toString();
	}

	private static boolean isPrint(int ch) {
		if (ch == ' ') {
			return true;
		}
		return switch (Character.getType(ch)) {
			case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
					Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
					Character.SPACE_SEPARATOR -> false;
			default -> true;
		};
	}

	/** A code point as Go's {@code string(rune)} writes it, where EOF (-1) becomes U+FFFD. */
	static String runeString(int ch) {
		return (ch < 0 || ch > Character.MAX_CODE_POINT) ? "\uFFFD" : new String(Character.toChars(ch));
	}

	/**
	 * Go's {@code time.ParseDuration}: {@code [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+} in nanoseconds, with Go's error texts.
	 */
	static long parseDuration(String text) {
		String orig = text;
		String s = text;
		boolean negative = false;
		if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
			negative = s.charAt(0) == '-';
			s = s.substring(1);
		}
		if (s.equals("0")) {
			return 0;
		}
		if (s.isEmpty()) {
			throw invalidDuration(orig);
		}
		long total = 0;
		while (!s.isEmpty()) {
			char c = s.charAt(0);
			if (!(c == '.' || (c >= '0' && c <= '9'))) {
				throw invalidDuration(orig);
			}
			int i = 0;
			long v = 0;
			while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
				if (Long.compareUnsigned(v, Long.divideUnsigned(BOUND, 10)) > 0) {
					throw invalidDuration(orig);
				}
				v = v * 10 + (s.charAt(i) - '0');
				if (Long.compareUnsigned(v, BOUND) > 0) {
					throw invalidDuration(orig);
				}
				i++;
			}
			boolean pre = i > 0;
			long fraction = 0;
			double scale = 1;
			boolean post = false;
			if (i < s.length() && s.charAt(i) == '.') {
				i++;
				int start = i;
				boolean overflow = false;
				while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
					if (!overflow) {
						if (Long.compareUnsigned(fraction, Long.MAX_VALUE / 10) > 0) {
							overflow = true;
						}
						else {
							long y = fraction * 10 + (s.charAt(i) - '0');
							if (Long.compareUnsigned(y, BOUND) > 0) {
								overflow = true;
							}
							else {
								fraction = y;
								scale *= 10;
							}
						}
					}
					i++;
				}
				post = i > start;
			}
			if (!pre && !post) {
				throw invalidDuration(orig);
			}
			int unitStart = i;
			while (i < s.length() && s.charAt(i) != '.' && (s.charAt(i) < '0' || s.charAt(i) > '9')) {
				i++;
			}
			if (i == unitStart) {
				throw new DockerfileException("time: missing unit in duration " + quote(orig));
			}
			String unitName = s.substring(unitStart, i);
			s = s.substring(i);
			long unit = unit(unitName);
			if (unit == 0) {
				throw new DockerfileException(
						"time: unknown unit " + quote(unitName) + " in duration " + quote(orig));
			}
			if (Long.compareUnsigned(v, Long.divideUnsigned(BOUND, unit)) > 0) {
				throw invalidDuration(orig);
			}
			v *= unit;
			if (fraction > 0) {
				v += (long) (fraction * (unit / scale));
				if (Long.compareUnsigned(v, BOUND) > 0) {
					throw invalidDuration(orig);
				}
			}
			total += v;
			if (Long.compareUnsigned(total, BOUND) > 0) {
				throw invalidDuration(orig);
			}
		}
		if (negative) {
			return -total;
		}
		if (total == BOUND) {
			throw invalidDuration(orig);
		}
		return total;
	}

	private static long unit(String name) {
		return switch (name) {
			case "ns" -> 1;
			case "us", "\u00B5s", "\u03BCs" -> NANOS_PER_MICRO;
			case "ms" -> NANOS_PER_MILLI;
			case "s" -> NANOS_PER_SECOND;
			case "m" -> 60 * NANOS_PER_SECOND;
			case "h" -> 3600 * NANOS_PER_SECOND;
			default -> 0;
		};
	}

	private static DockerfileException invalidDuration(String orig) {
		return new DockerfileException("time: invalid duration " + quote(orig));
	}

	/** Go's {@code strconv.ParseInt(s, 10, 32)}, with its error texts. */
	static int parseInt32(String s) {
		String digits = s;
		boolean negative = false;
		if (!digits.isEmpty() && (digits.charAt(0) == '+' || digits.charAt(0) == '-')) {
			negative = digits.charAt(0) == '-';
			digits = digits.substring(1);
		}
		if (digits.isEmpty()) {
			throw new DockerfileException("strconv.ParseInt: parsing " + quote(s) + ": invalid syntax");
		}
		long value = 0;
		boolean outOfRange = false;
		for (int i = 0; i < digits.length(); i++) {
			char c = digits.charAt(i);
			if (c < '0' || c > '9') {
				throw new DockerfileException("strconv.ParseInt: parsing " + quote(s) + ": invalid syntax");
			}
			if (!outOfRange) {
				value = value * 10 + (c - '0');
				outOfRange = value > (long) Integer.MAX_VALUE + 1;
			}
		}
		long signed = negative ? -value : value;
		if (outOfRange || signed > Integer.MAX_VALUE || signed < Integer.MIN_VALUE) {
			throw new DockerfileException("strconv.ParseInt: parsing " + quote(s) + ": value out of range");
		}
		return (int) signed;
	}

}
