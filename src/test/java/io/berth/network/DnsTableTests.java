package io.berth.network;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DnsTableTests {

	private static final String WEB = "a".repeat(64);

	private static final String CLIENT = "b".repeat(64);

	private static final String LONER = "c".repeat(64);

	private final DnsTable table = DnsTable.of(List.of(
			new DnsTable.Entry(WEB, "web", List.of("frontend"), "net1", "appnet", "10.0.0.2"),
			new DnsTable.Entry(WEB, "web", List.of(), "net2", "other", "10.0.1.2"),
			new DnsTable.Entry(CLIENT, "client", List.of(), "net1", "appnet", "10.0.0.3"),
			new DnsTable.Entry(LONER, "loner", List.of(), "net3", "lonely", "10.0.2.2")));

	@Test
	void namesAliasesAndShortIdsResolveOnSharedNetworksOnly() {
		assertThat(this.table.lookup(CLIENT, "web")).containsExactly("10.0.0.2");
		assertThat(this.table.lookup(CLIENT, "FrontEnd.")).containsExactly("10.0.0.2");
		assertThat(this.table.lookup(CLIENT, "aaaaaaaaaaaa")).containsExactly("10.0.0.2");
		assertThat(this.table.lookup(CLIENT, "web.appnet")).containsExactly("10.0.0.2");
		assertThat(this.table.lookup(WEB, "web")).containsExactly("10.0.0.2", "10.0.1.2");
		assertThat(this.table.lookup(WEB, "web.other")).containsExactly("10.0.1.2");
		assertThat(this.table.lookup(LONER, "web")).as("not on a shared network: for the upstream").isNull();
		assertThat(this.table.lookup(CLIENT, "example.org")).isNull();
		assertThat(this.table.lookup("d".repeat(64), "web")).isNull();
	}

	@Test
	void addressesMapBackToNamesOnSharedNetworks() {
		assertThat(this.table.reverse(CLIENT, "10.0.0.2")).isEqualTo("web.appnet");
		assertThat(this.table.reverse(LONER, "10.0.0.2")).isNull();
	}

}
