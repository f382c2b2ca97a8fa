package io.berth.image;

import java.util.List;

/**
 * Which images a listing shows, as {@code docker images} filters them.
 *
 * @param references glob patterns on {@code name[:tag]}; empty for all
 * @param dangling {@code true} for untagged images only, {@code false} for tagged ones only, {@code null} for both
 * @param labels {@code key} or {@code key=value} that an image's labels must all match
 * @param before only images created before this one, {@code null} for no bound
 * @param since only images created after this one, {@code null} for no bound
 */
public record ImageFilter(List<String> references, Boolean dangling, List<String> labels, String before,
		String since) {

	public static final ImageFilter NONE = new ImageFilter(List.of(), null, List.of(), null, null);

	public ImageFilter {
		references = List.copyOf(references);
		labels = List.copyOf(labels);
	}

}
