package io.berth.dashboard.api;

import java.util.Locale;

/**
 * The containers list's filters: {@code name} and {@code image} as substrings, {@code state} exactly, {@code label}
 * as {@code key} or {@code key=value}; empty ones match everything.
 */
record RowFilter(String name, String state, String label, String image) {

	boolean matches(Row row) {
		if (present(this.name) && !contains(row.name(), this.name) && !row.id().startsWith(this.name)) {
			return false;
		}
		if (present(this.image) && !contains(row.image(), this.image)) {
			return false;
		}
		if (present(this.state) && !this.state.equals("all") && !row.state().equals(this.state)) {
			return false;
		}
		if (present(this.label)) {
			int eq = this.label.indexOf('=');
			String key = (eq < 0) ? this.label : this.label.substring(0, eq);
			if (!row.labels().containsKey(key)) {
				return false;
			}
			return eq < 0 || this.label.substring(eq + 1).equals(row.labels().get(key));
		}
		return true;
	}

	private static boolean present(String s) {
		return s != null && !s.isBlank();
	}

	private static boolean contains(String text, String part) {
		return text != null && text.toLowerCase(Locale.ROOT).contains(part.toLowerCase(Locale.ROOT));
	}

}
