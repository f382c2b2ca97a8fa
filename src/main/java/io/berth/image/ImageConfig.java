package io.berth.image;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The run configuration of an image, as its OCI/Docker config's {@code config} object holds it. Absent values are
 * empty collections or empty strings, never null.
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir,
		String user, Map<String, String> labels, Set<String> exposedPorts, Set<String> volumes, String stopSignal) {

	public ImageConfig {
		entrypoint = (entrypoint != null) ? List.copyOf(entrypoint) : List.of();
		cmd = (cmd != null) ? List.copyOf(cmd) : List.of();
		env = (env != null) ? List.copyOf(env) : List.of();
		workingDir = (workingDir != null) ? workingDir : "";
		user = (user != null) ? user : "";
		labels = (labels != null) ? Map.copyOf(labels) : Map.of();
		exposedPorts = (exposedPorts != null) ? Set.copyOf(exposedPorts) : Set.of();
		volumes = (volumes != null) ? Set.copyOf(volumes) : Set.of();
		stopSignal = (stopSignal != null) ? stopSignal : "";
	}

}
