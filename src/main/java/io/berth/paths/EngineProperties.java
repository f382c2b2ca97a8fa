package io.berth.paths;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The engine's two roots.
 *
 * @param dataRoot persistent state: database, blobs, layers, containers, volumes (default {@code /var/lib/berth})
 * @param execRoot runtime state that a reboot clears: sockets, the runtime's state (default {@code /run/berth})
 */
@ConfigurationProperties("berth")
public record EngineProperties(@DefaultValue("/var/lib/berth") String dataRoot,
		@DefaultValue("/run/berth") String execRoot) {
}
