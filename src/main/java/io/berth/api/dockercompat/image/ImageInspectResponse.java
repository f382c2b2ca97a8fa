package io.berth.api.dockercompat.image;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * {@code GET /images/{name}/json}.
 *
 * @see <a href="https://docs.docker.com/engine/api/v1.41/#operation/ImageInspect">ImageInspect</a>
 */
record ImageInspectResponse(@JsonProperty("Id") String id, @JsonProperty("RepoTags") List<String> repoTags,
		@JsonProperty("RepoDigests") List<String> repoDigests, @JsonProperty("Parent") String parent,
		@JsonProperty("Comment") String comment, @JsonProperty("Created") String created,
		@JsonProperty("Container") String container,
		@JsonProperty("ContainerConfig") Map<String, Object> containerConfig,
		@JsonProperty("DockerVersion") String dockerVersion, @JsonProperty("Author") String author,
		@JsonProperty("Config") Map<String, Object> config, @JsonProperty("Architecture") String architecture,
		@JsonProperty("Variant") @JsonInclude(JsonInclude.Include.NON_EMPTY) String variant,
		@JsonProperty("Os") String os, @JsonProperty("Size") long size,
		@JsonProperty("VirtualSize") long virtualSize, @JsonProperty("GraphDriver") GraphDriver graphDriver,
		@JsonProperty("RootFS") RootFs rootFs, @JsonProperty("Metadata") Metadata metadata) {

	record GraphDriver(@JsonProperty("Data") Map<String, String> data, @JsonProperty("Name") String name) {
	}

	record RootFs(@JsonProperty("Type") String type, @JsonProperty("Layers") List<String> layers) {
	}

	record Metadata(@JsonProperty("LastTagTime") String lastTagTime) {
	}

}
