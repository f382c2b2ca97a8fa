package io.berth.image;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One image's share of the disk, for {@code docker system df}.
 *
 * @param size bytes of all its layers
 * @param sharedSize bytes of its layers that at least one other image lists too
 */
public record ImageSpace(String id, List<String> repoTags, List<String> repoDigests, Instant created, long size,
		long sharedSize, Map<String, String> labels) {

	public ImageSpace {
		repoTags = List.copyOf(repoTags);
		repoDigests = List.copyOf(repoDigests);
		labels = Map.copyOf(labels);
	}

}
