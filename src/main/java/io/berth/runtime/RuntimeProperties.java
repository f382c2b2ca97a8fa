package io.berth.runtime;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The native programs the engine runs.
 *
 * @param path the OCI runtime: berth-runtime by default; runc or crun work too (a bare name is looked up in PATH,
 * a relative path is taken from the working directory or the repository the jar was built in)
 * @param monitor the per-container monitor, berth-monitor
 */
@ConfigurationProperties("berth.runtime")
public record RuntimeProperties(@DefaultValue("docker-native/build/berth-runtime") String path,
		@DefaultValue("docker-native/build/berth-monitor") String monitor) {
}
