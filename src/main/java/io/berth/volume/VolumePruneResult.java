package io.berth.volume;

import java.util.List;

/** What a prune removed: the volumes' names and the bytes their data took. */
public record VolumePruneResult(List<String> deleted, long spaceReclaimed) {

	public VolumePruneResult {
		deleted = List.copyOf(deleted);
	}

}
