package io.berth.logs.view;

import java.util.List;

/** A run of filtered log lines starting at index {@code from}, and how many lines pass the filter in all. */
public record LogPage(long total, long from, List<LogLine> lines) {

	public LogPage {
		if (total < 0 || from < 0) {
			throw new IllegalArgumentException("total and from must not be negative, were " + total + " and " + from);
		}
		lines = List.copyOf(lines);
	}

	static LogPage empty() {
		return new LogPage(0, 0, List.of());
	}

}
