package io.berth.api.dockercompat;

import java.util.Locale;

/** Query parameters read the way dockerd reads them. */
public final class QueryParams {

	private QueryParams() {
	}

	/** dockerd's BoolValue: false for "", 0, no, false and none; true for anything else. */
	public static boolean bool(String value) {
		if (value == null) {
			return false;
		}
		String v = value.trim().toLowerCase(Locale.ROOT);
		return !(v.isEmpty() || v.equals("0") || v.equals("no") || v.equals("false") || v.equals("none"));
	}

}
