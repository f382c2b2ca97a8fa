package io.berth.logs.view;

import java.util.Objects;

/**
 * One record as a log view shows it: its index {@code n} among the records that pass the view's filter, its time as
 * the log holds it (RFC 3339), its stream, its text as safe HTML and as plain text without ANSI sequences.
 */
public record LogLine(long n, String time, boolean stderr, String html, String text) {

	public LogLine {
		if (n < 0) {
			throw new IllegalArgumentException("n must not be negative, was " + n);
		}
		Objects.requireNonNull(time, "time");
		Objects.requireNonNull(html, "html");
		Objects.requireNonNull(text, "text");
	}

}
