package io.berth.logs.view;

import java.util.Objects;

/**
 * A line of a merged view with the display name of the container it came from. A wrapper rather than a component
 * of {@link LogLine}, so a single-container line never carries a null; {@code line.n()} is its index within its own
 * container's filtered log.
 */
public record MergedLine(String container, LogLine line) {

	public MergedLine {
		Objects.requireNonNull(container, "container");
		Objects.requireNonNull(line, "line");
	}

}
