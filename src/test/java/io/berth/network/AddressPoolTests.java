package io.berth.network;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import io.berth.error.UnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class AddressPoolTests {

	@TempDir
	Path dir;

	@Test
	void aNewNetworkGetsTheFirstSubnetNothingOverlaps() {
		Ipv4Subnet pool = Ipv4Subnet.parse("172.30.0.0/16");
		assertThat(AddressPool.freeSubnet(pool, 24, List.of())).contains(Ipv4Subnet.parse("172.30.0.0/24"));
		List<AddressPool.Taken> taken = List.of(AddressPool.Taken.of(Ipv4Subnet.parse("172.30.0.0/24")),
				new AddressPool.Taken(Ipv4Subnet.parseAddress("172.30.1.7"), 32),
				AddressPool.Taken.of(Ipv4Subnet.parse("172.30.2.0/23")));
		assertThat(AddressPool.freeSubnet(pool, 24, taken)).contains(Ipv4Subnet.parse("172.30.4.0/24"));
		assertThat(AddressPool.freeSubnet(Ipv4Subnet.parse("10.0.0.0/24"), 24,
				List.of(new AddressPool.Taken(Ipv4Subnet.parseAddress("10.0.0.0"), 8)))).isEmpty();
	}

	@Test
	void addressesAreLowestFreeSkippingTheGatewayNetworkAndBroadcast() {
		Ipv4Subnet s = Ipv4Subnet.parse("10.1.2.0/29");
		assertThat(AddressPool.freeAddress(s, "10.1.2.1", Set.of())).isEqualTo("10.1.2.2");
		assertThat(AddressPool.freeAddress(s, "10.1.2.6", Set.of())).isEqualTo("10.1.2.1");
		assertThat(AddressPool.freeAddress(s, "10.1.2.1", Set.of("10.1.2.2", "10.1.2.4"))).isEqualTo("10.1.2.3");
		assertThatExceptionOfType(UnavailableException.class).isThrownBy(() -> AddressPool.freeAddress(s,
				"10.1.2.1", Set.of("10.1.2.2", "10.1.2.3", "10.1.2.4", "10.1.2.5", "10.1.2.6")));
	}

	@Test
	void hostRoutesAreReadFromProcNetRoute() throws Exception {
		Path routes = this.dir.resolve("route");
		Files.writeString(routes, """
				Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
				eth0\t00000000\t0102A8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0
				eth0\t0002A8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
				docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
				""");
		assertThat(AddressPool.hostRoutes(routes)).containsExactly(
				new AddressPool.Taken(Ipv4Subnet.parseAddress("192.168.2.0"), 24),
				new AddressPool.Taken(Ipv4Subnet.parseAddress("172.17.0.0"), 16));
		assertThat(AddressPool.hostRoutes(this.dir.resolve("missing"))).isEmpty();
	}

}
