package io.berth.network;

/**
 * A published port as the firewall sees it: traffic from outside to the host port goes to the container's port.
 *
 * @param protocol {@code tcp} or {@code udp}
 * @param hostIp the host address, {@code 0.0.0.0} for all
 * @param hostPort the host port
 * @param containerIp the container's address on its first network
 * @param containerPort the port inside the container
 */
public record PortRule(String protocol, String hostIp, int hostPort, String containerIp, int containerPort) {

	public PortRule {
		if (!protocol.equals("tcp") && !protocol.equals("udp")) {
			throw new IllegalArgumentException("protocol must be tcp or udp: " + protocol);
		}
		Ipv4Subnet.parseAddress(hostIp);
		Ipv4Subnet.parseAddress(containerIp);
	}

}
