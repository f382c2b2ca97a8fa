package io.berth.network;

import java.util.List;

import io.berth.error.InvalidParameterException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class Ipv4SubnetTests {

	@Test
	void addressesGatewayAndMembership() {
		Ipv4Subnet s = Ipv4Subnet.parse("172.29.0.0/16");
		assertThat(s.size()).isEqualTo(65536);
		assertThat(s.gateway()).isEqualTo("172.29.0.1");
		assertThat(s.address(258)).isEqualTo("172.29.1.2");
		assertThat(s.contains("172.29.255.254")).isTrue();
		assertThat(s.contains("172.30.0.1")).isFalse();
		assertThat(s).hasToString("172.29.0.0/16");
	}

	@Test
	void macIsDockersForTheAddress() {
		assertThat(Ipv4Subnet.macFor("172.29.0.2")).isEqualTo("02:42:ac:1d:00:02");
	}

	@Test
	void malformedSubnetsAreRefused() {
		for (String bad : new String[] { "172.29.0.1/16", "10.0.0.0/31", "10.0.0.0/7", "10.0.0/24", "10.0.0.256/24",
				"10.0.0.0", "10.0.0.0/x", "1.2.3.04444/24" }) {
			assertThatExceptionOfType(InvalidParameterException.class).as(bad)
				.isThrownBy(() -> Ipv4Subnet.parse(bad));
		}
	}

	@Test
	void monitorSpecNamesEveryPart() {
		NetworkAttachment a = new NetworkAttachment("bridge", "id", "ep", "berth0", "vb0123456789abc", "eth1",
				"172.29.0.2", 16, "172.29.0.1", "02:42:ac:1d:00:02", List.of(), false);
		assertThat(a.monitorSpec(true)).isEqualTo("bridge=berth0,host=vb0123456789abc,ifname=eth1,"
				+ "addr=172.29.0.2/16,gateway=172.29.0.1,mac=02:42:ac:1d:00:02,bridge-addr=172.29.0.1/16");
		assertThat(a.monitorSpec(false)).as("only one interface carries the default route")
			.doesNotContain("gateway=");
	}

	@Test
	void subnetsOverlapWhenOneHoldsTheOther() {
		assertThat(overlap("10.0.0.0/16", "10.0.5.0/24")).isTrue();
		assertThat(overlap("10.0.5.0/24", "10.0.0.0/16")).isTrue();
		assertThat(overlap("10.0.5.0/24", "10.0.6.0/24")).isFalse();
		assertThat(Ipv4Subnet.parse("10.0.5.0/24").offsetOf("10.0.5.9")).isEqualTo(9);
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> Ipv4Subnet.parse("10.0.5.0/24").offsetOf("10.0.6.1"));
	}

	private static boolean overlap(String a, String b) {
		Ipv4Subnet other = Ipv4Subnet.parse(b);
		return AddressPool.Taken.of(Ipv4Subnet.parse(a)).overlaps(other.network(), other.prefix());
	}

}
