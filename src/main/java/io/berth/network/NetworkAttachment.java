package io.berth.network;

/**
 * A container's interface on a bridge network, as its monitor makes it and as inspect shows it.
 *
 * @param network the network's name, e.g. {@code bridge}
 * @param networkId the network's ID
 * @param bridge the Linux bridge
 * @param hostVeth the host end of the container's veth pair
 * @param address the container's IPv4 address
 * @param prefix the subnet's prefix length
 * @param gateway the bridge's address, the container's default route
 * @param mac the container interface's MAC
 */
public record NetworkAttachment(String network, String networkId, String bridge, String hostVeth, String address,
		int prefix, String gateway, String mac) {

	/** The {@code --net-attach} value for berth-monitor; the bridge is made with its address if missing. */
	public String monitorSpec() {
		return "bridge=" + this.bridge + ",host=" + this.hostVeth + ",ifname=eth0,addr=" + this.address + "/"
				+ this.prefix + ",gateway=" + this.gateway + ",mac=" + this.mac + ",bridge-addr=" + this.gateway + "/"
				+ this.prefix;
	}

}
