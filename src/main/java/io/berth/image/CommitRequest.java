package io.berth.image;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What {@code docker commit} asks of the image feature, with the container's side already read.
 *
 * @param parentImageId the image the container runs, whose layers the new image extends
 * @param containerId the committed container, recorded as {@code container}
 * @param containerConfig the container's Docker config, recorded as {@code container_config}
 * @param config the config the request brought, or null for the container's
 * @param changes Dockerfile instructions applied to the config ({@code --change})
 * @param repository {@code name[:tag]} to tag the image with, or empty for none
 * @param tag a tag overriding the one in {@code repository}, or empty
 */
public record CommitRequest(String parentImageId, String containerId, Map<String, Object> containerConfig,
		@Nullable Map<String, Object> config, List<String> changes, String author, String comment, String repository,
		String tag) {

	public CommitRequest {
		changes = List.copyOf(changes);
	}

}
