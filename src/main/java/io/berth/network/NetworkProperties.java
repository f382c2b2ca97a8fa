package io.berth.network;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Networking.
 *
 * @param bridgeName the Linux bridge of the {@code bridge} network (default {@code berth0}, beside Docker's
 * {@code docker0})
 * @param bridgeSubnet its subnet, apart from Docker's 172.17.0.0/16 so both engines can run on one host
 * @param pool where subnets of user-defined networks created without {@code --subnet} come from
 * @param poolSubnetPrefix the prefix length of each of those subnets
 * @param dnsUpstreams {@code ip[:port]} resolvers that the embedded DNS forwards other names to; empty means the
 * host's {@code /etc/resolv.conf} ones. A container's {@code --dns} servers replace them for it
 */
@ConfigurationProperties("berth.network")
public record NetworkProperties(@DefaultValue("berth0") String bridgeName,
		@DefaultValue("172.29.0.0/16") String bridgeSubnet, @DefaultValue("172.30.0.0/16") String pool,
		@DefaultValue("24") int poolSubnetPrefix, @DefaultValue List<String> dnsUpstreams) {

	public NetworkProperties {
		if (!bridgeName.matches("[A-Za-z0-9_.-]{1,15}") || bridgeName.equals(".") || bridgeName.equals("..")) {
			throw new IllegalArgumentException("berth.network.bridge-name must be a Linux interface name of 1 to 15 "
					+ "letters, digits, '_', '.' or '-'");
		}
		Ipv4Subnet.parse(bridgeSubnet);
		if (poolSubnetPrefix < Ipv4Subnet.parse(pool).prefix() || poolSubnetPrefix > 29) {
			throw new IllegalArgumentException("berth.network.pool-subnet-prefix must be between the pool's prefix "
					+ "and 29");
		}
		dnsUpstreams = (dnsUpstreams == null) ? List.of() : List.copyOf(dnsUpstreams);
	}

	public Ipv4Subnet subnet() {
		return Ipv4Subnet.parse(this.bridgeSubnet);
	}

	Ipv4Subnet poolSubnet() {
		return Ipv4Subnet.parse(this.pool);
	}

}
