package io.berth.image;

import java.time.Instant;
import java.util.List;

/**
 * One step of an image's history, newest first as {@code docker history} shows it.
 *
 * @param id the image ID for the newest step, {@code <missing>} for the steps below it
 * @param size bytes the step's layer adds, 0 for steps without a layer
 * @param tags the image's tags on the newest step, empty on the others
 */
public record ImageHistoryItem(String id, Instant created, String createdBy, String comment, long size,
		List<String> tags) {

	public ImageHistoryItem {
		tags = List.copyOf(tags);
	}

}
