package io.berth.network;

import java.time.Instant;
import java.util.Map;

/**
 * A network as {@code docker network ls} and {@code inspect} show it.
 *
 * @param id the network's ID
 * @param name its name
 * @param driver {@code bridge}, {@code host} or {@code null}
 * @param bridge the Linux bridge, or null for host and none
 * @param subnet the subnet, or null for host and none
 * @param gateway the bridge's address, or null
 * @param internal whether traffic to and from outside the host is dropped
 * @param attachable whether {@code --attachable} was given (kept for inspect)
 * @param predefined whether it is one of {@code bridge}, {@code host} and {@code none}
 * @param labels its labels
 * @param options its driver options
 * @param created when it was made
 */
public record NetworkInfo(String id, String name, String driver, String bridge, Ipv4Subnet subnet, String gateway,
		boolean internal, boolean attachable, boolean predefined, Map<String, String> labels,
		Map<String, String> options, Instant created) {

	/** Whether containers on it get an address of their own, and so can be connected and resolved. */
	public boolean isBridge() {
		return this.driver.equals("bridge");
	}

}
