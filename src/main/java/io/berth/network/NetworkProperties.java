package io.berth.network;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The default bridge network.
 *
 * @param bridgeName the Linux bridge of the {@code bridge} network (default {@code berth0}, beside Docker's
 * {@code docker0})
 * @param bridgeSubnet its subnet, apart from Docker's 172.17.0.0/16 so both engines can run on one host
 */
@ConfigurationProperties("berth.network")
public record NetworkProperties(@DefaultValue("berth0") String bridgeName,
		@DefaultValue("172.29.0.0/16") String bridgeSubnet) {

	public NetworkProperties {
		if (!bridgeName.matches("[A-Za-z0-9_.-]{1,15}") || bridgeName.equals(".") || bridgeName.equals("..")) {
			throw new IllegalArgumentException("berth.network.bridge-name must be a Linux interface name of 1 to 15 "
					+ "letters, digits, '_', '.' or '-'");
		}
		Ipv4Subnet.parse(bridgeSubnet);
	}

	public Ipv4Subnet subnet() {
		return Ipv4Subnet.parse(this.bridgeSubnet);
	}

}
