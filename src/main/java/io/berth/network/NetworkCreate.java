package io.berth.network;

import java.util.Map;

import io.berth.error.InvalidParameterException;

/**
 * A {@code docker network create} request, checked as far as it can be without the other networks.
 *
 * @param name the network's name
 * @param driver only {@code bridge} (or empty, meaning it)
 * @param subnet a subnet in CIDR form, or null to pick a free one from the pool
 * @param gateway the bridge's address in the subnet, or null for its first address
 * @param internal whether to cut the network off from outside the host
 * @param attachable kept for inspect
 * @param labels labels
 * @param options driver options; {@code com.docker.network.bridge.name} names the Linux bridge
 */
public record NetworkCreate(String name, String driver, String subnet, String gateway, boolean internal,
		boolean attachable, Map<String, String> labels, Map<String, String> options) {

	static final String BRIDGE_NAME_OPTION = "com.docker.network.bridge.name";

	public NetworkCreate {
		if (name == null || name.isEmpty()) {
			throw new InvalidParameterException("network name is required");
		}
		if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*") || name.length() > 128) {
			throw new InvalidParameterException("invalid network name \"" + name
					+ "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed, up to 128 characters");
		}
		driver = (driver == null || driver.isEmpty()) ? "bridge" : driver;
		if (!driver.equals("bridge")) {
			throw new InvalidParameterException("network driver " + driver + " is not supported; only bridge is");
		}
		subnet = (subnet == null || subnet.isEmpty()) ? null : subnet;
		gateway = (gateway == null || gateway.isEmpty()) ? null : gateway;
		if (gateway != null && subnet == null) {
			throw new InvalidParameterException("a gateway needs a subnet (--subnet) to be in");
		}
		labels = (labels == null) ? Map.of() : Map.copyOf(labels);
		options = (options == null) ? Map.of() : Map.copyOf(options);
		String bridge = options.get(BRIDGE_NAME_OPTION);
		if (bridge != null && !bridge.matches("[A-Za-z0-9_.-]{1,15}")) {
			throw new InvalidParameterException(BRIDGE_NAME_OPTION + " must be an interface name of 1 to 15 "
					+ "letters, digits, '_', '.' or '-'");
		}
	}

}
