package io.berth.runtime;

import java.nio.file.Path;

/** What a monitor in exec mode is started with: the container, the OCI process file and the stdio mode. */
public record ExecMonitorSpec(String containerId, Path processFile, Path exitFile, Path socket, boolean terminal,
		boolean stdin, boolean stdinOnce, boolean start) {
}
