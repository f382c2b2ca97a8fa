package io.berth.api.dockercompat.image;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One item of {@code GET /images/{name}/history}. */
record ImageHistoryResponseItem(@JsonProperty("Comment") String comment, @JsonProperty("Created") long created,
		@JsonProperty("CreatedBy") String createdBy, @JsonProperty("Id") String id, @JsonProperty("Size") long size,
		@JsonProperty("Tags") List<String> tags) {
}
