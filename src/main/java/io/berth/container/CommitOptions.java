package io.berth.container;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The options of {@code docker commit}.
 *
 * @param repository {@code name[:tag]} for the new image, or empty for none
 * @param tag a tag overriding the one in {@code repository}, or empty
 * @param changes Dockerfile instructions applied to the config ({@code --change})
 * @param config a Docker config replacing the container's, or null to commit the container's own
 * @param pause whether to freeze a running container while its changes are read
 */
public record CommitOptions(String repository, String tag, String author, String comment, List<String> changes,
		@Nullable Map<String, Object> config, boolean pause) {

	public CommitOptions {
		changes = List.copyOf(changes);
	}

}
