package io.berth.system;

import java.util.List;
import java.util.Map;

/**
 * One image in {@code docker system df}: the fields of a {@code /images/json} item plus how many containers use it.
 *
 * @param id {@code sha256:...}
 * @param created unix seconds
 * @param size bytes of all its layers
 * @param sharedSize bytes of its layers that other images share too, or -1 when not computed
 * @param containers how many containers use it
 */
public record ImageDiskUsage(String id, String parentId, List<String> repoTags, List<String> repoDigests,
		long created, long size, long sharedSize, Map<String, String> labels, int containers) {

	public ImageDiskUsage {
		repoTags = List.copyOf(repoTags);
		repoDigests = List.copyOf(repoDigests);
		labels = Map.copyOf(labels);
	}

}
