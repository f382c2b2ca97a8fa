package io.berth.container;

import java.util.List;
import java.util.Map;

/**
 * One container in {@code docker system df}: the fields of a {@code /containers/json} item that its table and
 * verbose view print, plus sizes.
 *
 * @param names with the leading {@code /}
 * @param created unix seconds
 * @param state {@code created|running|paused|restarting|removing|exited|dead}
 * @param status the human string, e.g. {@code Up 3 seconds}
 * @param sizeRw bytes in the writable layer
 * @param sizeRootFs bytes of the whole root filesystem (image plus writable layer)
 * @param volumeNames names of the volumes it mounts ({@code LOCAL VOLUMES} in the verbose view)
 */
public record ContainerDiskUsage(String id, List<String> names, String image, String imageId, String command,
		long created, String state, String status, long sizeRw, long sizeRootFs, Map<String, String> labels,
		List<String> volumeNames) {

	public ContainerDiskUsage {
		names = List.copyOf(names);
		labels = Map.copyOf(labels);
		volumeNames = List.copyOf(volumeNames);
	}

}
