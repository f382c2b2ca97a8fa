package io.berth.api.dockercompat.image;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One item of {@code GET /images/json}.
 *
 * @see <a href="https://docs.docker.com/engine/api/v1.41/#operation/ImageList">ImageList</a>
 */
record ImageSummary(@JsonProperty("Containers") long containers, @JsonProperty("Created") long created,
		@JsonProperty("Id") String id, @JsonProperty("Labels") Map<String, String> labels,
		@JsonProperty("ParentId") String parentId, @JsonProperty("RepoDigests") List<String> repoDigests,
		@JsonProperty("RepoTags") List<String> repoTags, @JsonProperty("SharedSize") long sharedSize,
		@JsonProperty("Size") long size, @JsonProperty("VirtualSize") long virtualSize) {
}
