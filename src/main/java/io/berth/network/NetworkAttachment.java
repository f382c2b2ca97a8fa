package io.berth.network;

import java.util.List;

/**
 * A container's interface on a bridge network, as its monitor makes it and as inspect shows it.
 *
 * @param network the network's name, e.g. {@code bridge}
 * @param networkId the network's ID
 * @param endpointId the endpoint's ID
 * @param bridge the Linux bridge
 * @param hostVeth the host end of the container's veth pair
 * @param ifname the interface inside the container, e.g. {@code eth0}
 * @param address the container's IPv4 address
 * @param prefix the subnet's prefix length
 * @param gateway the bridge's address
 * @param mac the container interface's MAC
 * @param aliases the network-scoped aliases the embedded DNS answers for
 * @param internal whether the network is cut off from outside the host, and so has no default route
 */
public record NetworkAttachment(String network, String networkId, String endpointId, String bridge, String hostVeth,
		String ifname, String address, int prefix, String gateway, String mac, List<String> aliases,
		boolean internal) {

	/**
	 * The {@code --net-attach} value for berth-monitor; the bridge is made with its address if missing.
	 * @param route whether this interface carries the default route
	 */
	public String monitorSpec(boolean route) {
		return "bridge=" + this.bridge + ",host=" + this.hostVeth + ",ifname=" + this.ifname + ",addr="
				+ this.address + "/" + this.prefix + (route ? ",gateway=" + this.gateway : "") + ",mac=" + this.mac
				+ ",bridge-addr=" + this.gateway + "/" + this.prefix;
	}

}
