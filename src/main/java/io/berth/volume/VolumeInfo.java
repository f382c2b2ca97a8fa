package io.berth.volume;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * A volume as the service reports it.
 *
 * @param mountpoint the host directory containers mount, {@code <data-root>/volumes/<name>/_data}
 * @param anonymous created for a container's anonymous volume, so {@code rm -v} removes it with the container
 */
public record VolumeInfo(String name, String driver, Path mountpoint, Instant createdAt, Map<String, String> labels,
		Map<String, String> options, boolean anonymous) {

	public VolumeInfo {
		labels = Map.copyOf(labels);
		options = Map.copyOf(options);
	}

}
