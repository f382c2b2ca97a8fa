package io.berth.runtime;

import java.nio.file.Path;

/**
 * What a monitor in exec mode is started with: the container, the OCI process file, the stdio mode, and where the
 * runtime writes the process's host PID.
 */
public record ExecMonitorSpec(String containerId, Path processFile, Path exitFile, Path pidFile, Path socket,
		boolean terminal, boolean stdin, boolean stdinOnce, boolean start) {
}
