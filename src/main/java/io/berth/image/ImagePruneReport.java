package io.berth.image;

import java.util.List;

/**
 * What {@code docker image prune} removed.
 *
 * @param removals the references untagged and the images and layers deleted
 * @param spaceReclaimed bytes of layer content freed
 */
public record ImagePruneReport(List<ImageRemoval> removals, long spaceReclaimed) {

	public ImagePruneReport {
		removals = List.copyOf(removals);
	}

}
