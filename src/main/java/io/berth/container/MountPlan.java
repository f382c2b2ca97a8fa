package io.berth.container;

import java.util.List;

/**
 * One mount of a container, resolved: a bind of a host path (a bind mount or a volume's data directory) or a tmpfs.
 *
 * @param type {@code bind}, {@code volume} or {@code tmpfs}
 * @param name the volume's name, empty for other types
 * @param source the host path ({@code tmpfs} for tmpfs)
 * @param destination the absolute path in the container
 * @param options mount options for the runtime, such as {@code rbind}, {@code ro}, {@code rprivate}
 * @param anonymous whether a volume was made for this container alone ({@code rm -v} removes it)
 */
public record MountPlan(String type, String name, String source, String destination, List<String> options,
		boolean readOnly, boolean anonymous) {

	public MountPlan {
		options = List.copyOf(options);
	}

}
