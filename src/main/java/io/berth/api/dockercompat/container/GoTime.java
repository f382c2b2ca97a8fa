package io.berth.api.dockercompat.container;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times as Go's encoding/json writes a {@code time.Time}: RFC 3339 with nanoseconds, trailing zeros dropped. */
final class GoTime {

	private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT)
		.withZone(ZoneOffset.UTC);

	private GoTime() {
	}

	/** Go's RFC3339Nano in UTC: {@code 2026-11-28T06:16:19.8641448Z}, no fraction when it is zero. */
	static String rfc3339Nano(Instant t) {
		StringBuilder b = new StringBuilder(SECONDS.format(t));
		if (t.getNano() != 0) {
			String frac = String.format(Locale.ROOT, "%09d", t.getNano());
			int end = frac.length();
			while (frac.charAt(end - 1) == '0') {
				end--;
			}
			b.append('.').append(frac, 0, end);
		}
		return b.append('Z').toString();
	}

}
