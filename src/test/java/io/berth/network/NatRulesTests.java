package io.berth.network;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NatRulesTests {

	private static final NatRules.Bridge DEFAULT = new NatRules.Bridge("berth0", Ipv4Subnet.parse("172.29.0.0/16"),
			false);

	private static final NatRules.Bridge USER = new NatRules.Bridge("bt-0123456789ab",
			Ipv4Subnet.parse("172.30.0.0/24"), false);

	private static final NatRules.Bridge SEALED = new NatRules.Bridge("bt-ba9876543210",
			Ipv4Subnet.parse("172.30.1.0/24"), true);

	@Test
	void networksAreMasqueradedAndIsolatedFromEachOther() {
		String rules = NatRules.ruleset("berth", List.of(DEFAULT, USER, SEALED), List.of());
		assertThat(rules).startsWith("add table ip berth\ndelete table ip berth\n")
			.contains("ip saddr 172.29.0.0/16 oifname != \"berth0\" masquerade")
			.contains("ip saddr 172.30.0.0/24 oifname != \"bt-0123456789ab\" masquerade")
			.doesNotContain("ip saddr 172.30.1.0/24")
			.contains("iifname \"berth0\" oifname { \"bt-0123456789ab\", \"bt-ba9876543210\" } drop")
			.contains("iifname \"bt-ba9876543210\" oifname != \"bt-ba9876543210\" drop")
			.contains("oifname \"bt-ba9876543210\" iifname != \"bt-ba9876543210\" drop");
		assertThat(rules.indexOf("oifname { ")).as("isolation comes before the accepts")
			.isLessThan(rules.indexOf("iifname \"berth0\" accept"));
	}

	@Test
	void eachDaemonHasATableOfItsOwnNamedByItsBridge() {
		assertThat(NatRules.tableFor("berth0")).isEqualTo("berth");
		assertThat(NatRules.tableFor("berthit0")).isEqualTo("berth_berthit0");
		assertThat(NatRules.tableFor("br-x.1")).isEqualTo("berth_br_x_1");
	}

	@Test
	void publishedPortsAreDnatedExceptOnLoopbackWhereTheProxyServes() {
		String rules = NatRules.ruleset("berth", List.of(DEFAULT, USER),
				List.of(new PortRule("tcp", "0.0.0.0", 8080, "172.30.0.2", 80),
						new PortRule("udp", "10.0.0.5", 5353, "172.29.0.3", 53),
						new PortRule("tcp", "127.0.0.1", 9090, "172.29.0.3", 90)));
		assertThat(rules).contains("    fib daddr type local iifname != \"bt-0123456789ab\" tcp dport 8080 dnat to "
				+ "172.30.0.2:80\n")
			.contains("    ip daddr != 127.0.0.0/8 fib daddr type local iifname != \"bt-0123456789ab\" tcp dport 8080 "
					+ "dnat to 172.30.0.2:80\n")
			.contains("fib daddr type local ip daddr 10.0.0.5 iifname != \"berth0\" udp dport 5353 dnat to "
					+ "172.29.0.3:53")
			.doesNotContain("dport 9090")
			.contains("ip daddr 172.30.0.2 tcp dport 80 ct status dnat accept");
	}

}
