package io.berth.dashboard.api;

import io.berth.logs.view.LogLine;
import io.berth.logs.view.MergedLine;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A log line as the browser gets it: its index in the filtered log, time, stream ({@code o} or {@code e}) and the
 * text as HTML escaped on the server; {@code container} only in merged views.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LineView(long n, String t, String s, String html, String container) {

	public static LineView of(LogLine line) {
		return new LineView(line.n(), line.time(), line.stderr() ? "e" : "o", line.html(), null);
	}

	public static LineView of(MergedLine merged) {
		LogLine line = merged.line();
		return new LineView(line.n(), line.time(), line.stderr() ? "e" : "o", line.html(), merged.container());
	}

}
