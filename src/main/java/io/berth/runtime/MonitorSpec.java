package io.berth.runtime;

import java.nio.file.Path;
import java.util.List;

/**
 * What one monitor is started with: the bundle, its files, the stdio mode, and the overlay that becomes the bundle's
 * rootfs (lower directories lowest first), and the path where the monitor makes the container's network namespace
 * (null to share the host's), with the interfaces to wire into it as {@code --net-attach} values and the ports to publish as {@code --publish}
 * values.
 */
public record MonitorSpec(String id, Path bundle, Path log, Path exitFile, Path socket, boolean terminal,
		boolean stdin, boolean stdinOnce, List<Path> lowerDirs, Path upperDir, Path workDir, Path netns,
		List<String> netAttach, List<String> publish) {

	public MonitorSpec {
		lowerDirs = List.copyOf(lowerDirs);
		netAttach = List.copyOf(netAttach);
		publish = List.copyOf(publish);
	}

}
