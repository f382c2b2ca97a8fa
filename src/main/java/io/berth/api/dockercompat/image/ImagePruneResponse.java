package io.berth.api.dockercompat.image;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code POST /images/prune}; the list is null when nothing was removed, as dockerd sends it. */
record ImagePruneResponse(@JsonProperty("ImagesDeleted") List<ImageDeleteResponseItem> imagesDeleted,
		@JsonProperty("SpaceReclaimed") long spaceReclaimed) {
}
