package io.berth.image;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Times as Go's RFC3339Nano writes them (fraction without trailing zeros), which Docker's JSON carries. */
public final class Rfc3339 {

	private Rfc3339() {
	}

	public static String format(Instant t) {
		String base = Instant.ofEpochSecond(t.getEpochSecond()).toString();
		if (t.getNano() == 0) {
			return base;
		}
		String fraction = String.format("%09d", t.getNano()).replaceFirst("0+$", "");
		return base.substring(0, base.length() - 1) + "." + fraction + "Z";
	}

	/** Parses an RFC 3339 time; an unreadable one is the zero time, as Go leaves it. */
	public static Instant parse(String text) {
		if (text == null || text.isEmpty()) {
			return Instant.EPOCH;
		}
		try {
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			return Instant.EPOCH;
		}
	}

}
