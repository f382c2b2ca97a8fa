package io.berth.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import io.berth.error.SystemException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Berth's own nftables table, {@code ip berth}: masquerade, published ports' DNAT, and the isolation of networks.
 * It is written through libnftables in
 * the daemon's process, as one atomic transaction that replaces the whole table, so no rule is ever half there and
 * no {@code nft} process is spawned. IP forwarding is turned on with it, as dockerd does.
 */
@Component
class NatRules {

	private final String table;

	private static final Log logger = LogFactory.getLog(NatRules.class);

	private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");

	/** The part of libnftables' API a ruleset transaction needs. */
	public interface LibNftables {

		Pointer nft_ctx_new(int flags);

		void nft_ctx_free(Pointer ctx);

		int nft_ctx_buffer_output(Pointer ctx);

		int nft_ctx_buffer_error(Pointer ctx);

		String nft_ctx_get_error_buffer(Pointer ctx);

		int nft_run_cmd_from_buffer(Pointer ctx, String buffer);

	}

	/** A bridge network's part of the rules. */
	record Bridge(String name, Ipv4Subnet subnet, boolean internal) {
	}

	private volatile LibNftables lib;

	NatRules(NetworkProperties properties) {
		this.table = tableFor(properties.bridgeName());
	}

	/**
	 * The table of the daemon whose default bridge that is: {@code berth} for {@code berth0}, and one of its own for
	 * any other, so that two daemons on one host (a second one's bridge must differ) never rewrite each other's.
	 */
	static String tableFor(String bridge) {
		return bridge.equals("berth0") ? "berth" : "berth_" + bridge.replaceAll("[^A-Za-z0-9_]", "_");
	}

	private volatile String applied;

	/** Makes the table match the networks and published ports, unless it already does from this daemon's run. */
	synchronized void apply(List<Bridge> bridges, List<PortRule> ports) {
		String ruleset = ruleset(this.table, bridges, ports);
		if (ruleset.equals(this.applied)) {
			return;
		}
		run(ruleset);
		enableForwarding();
		this.applied = ruleset;
	}

	/**
	 * The transaction: declaring the table first makes the delete succeed even when it did not exist.
	 * <ul>
	 * <li>postrouting: masquerade for what leaves a non-internal network by another interface;</li>
	 * <li>prerouting and output: DNAT of published ports for traffic to the host's own non-loopback addresses, as
	 * dockerd's rules do; loopback traffic and a container reaching its own network's published port go to the
	 * monitor's userland proxy, which holds the port;</li>
	 * <li>forward: networks are isolated from each other, internal ones from everything else.</li>
	 * </ul>
	 */
	static String ruleset(String table, List<Bridge> bridges, List<PortRule> ports) {
		StringBuilder s = new StringBuilder();
		s.append("add table ip ").append(table).append('\n');
		s.append("delete table ip ").append(table).append('\n');
		s.append("table ip ").append(table).append(" {\n");
		s.append("  chain postrouting {\n");
		s.append("    type nat hook postrouting priority srcnat; policy accept;\n");
		for (Bridge b : bridges) {
			if (!b.internal()) {
				s.append("    ip saddr ").append(b.subnet()).append(" oifname != ").append(quote(b.name()))
					.append(" masquerade\n");
			}
		}
		s.append("  }\n");
		String dnat = dnatRules(bridges, ports);
		s.append("  chain prerouting {\n");
		s.append("    type nat hook prerouting priority dstnat; policy accept;\n");
		s.append(dnat);
		s.append("  }\n");
		s.append("  chain output {\n");
		s.append("    type nat hook output priority -100; policy accept;\n");
		s.append(dnat.replace("    fib daddr", "    ip daddr != 127.0.0.0/8 fib daddr"));
		s.append("  }\n");
		s.append("  chain forward {\n");
		s.append("    type filter hook forward priority filter; policy accept;\n");
		for (Bridge b : bridges) {
			String others = bridges.stream()
				.filter((o) -> !o.name().equals(b.name()))
				.map((o) -> quote(o.name()))
				.collect(Collectors.joining(", "));
			if (b.internal()) {
				s.append("    iifname ").append(quote(b.name())).append(" oifname != ").append(quote(b.name()))
					.append(" drop\n");
				s.append("    oifname ").append(quote(b.name())).append(" iifname != ").append(quote(b.name()))
					.append(" drop\n");
			}
			else if (!others.isEmpty()) {
				s.append("    iifname ").append(quote(b.name())).append(" oifname { ").append(others)
					.append(" } drop\n");
			}
		}
		for (Bridge b : bridges) {
			if (!b.internal()) {
				s.append("    iifname ").append(quote(b.name())).append(" accept\n");
				s.append("    oifname ").append(quote(b.name())).append(" ct state related,established accept\n");
			}
		}
		for (PortRule p : ports) {
			s.append("    ip daddr ").append(p.containerIp()).append(' ').append(p.protocol()).append(" dport ")
				.append(p.containerPort()).append(" ct status dnat accept\n");
		}
		s.append("  }\n");
		s.append("}\n");
		return s.toString();
	}

	private static String dnatRules(List<Bridge> bridges, List<PortRule> ports) {
		StringBuilder s = new StringBuilder();
		for (PortRule p : ports) {
			Bridge on = bridges.stream()
				.filter((b) -> b.subnet().contains(p.containerIp()))
				.findFirst()
				.orElse(null);
			if (p.hostIp().startsWith("127.") || on == null || on.internal()) {
				continue;
			}
			s.append("    fib daddr type local ");
			if (!p.hostIp().equals("0.0.0.0")) {
				s.append("ip daddr ").append(p.hostIp()).append(' ');
			}
			s.append("iifname != ").append(quote(on.name())).append(' ').append(p.protocol()).append(" dport ")
				.append(p.hostPort()).append(" dnat to ").append(p.containerIp()).append(':')
				.append(p.containerPort()).append('\n');
		}
		return s.toString();
	}

	private static String quote(String name) {
		return "\"" + name + "\"";
	}

	private void run(String commands) {
		LibNftables nft = library();
		Pointer ctx = nft.nft_ctx_new(0);
		if (ctx == null) {
			throw new SystemException("libnftables could not make a context");
		}
		try {
			nft.nft_ctx_buffer_output(ctx);
			nft.nft_ctx_buffer_error(ctx);
			if (nft.nft_run_cmd_from_buffer(ctx, commands) != 0) {
				String why = nft.nft_ctx_get_error_buffer(ctx);
				throw new SystemException("cannot set the bridge network's nftables rules: "
						+ ((why != null) ? why.strip() : "unknown error"));
			}
		}
		finally {
			nft.nft_ctx_free(ctx);
		}
	}

	private LibNftables library() {
		LibNftables l = this.lib;
		if (l == null) {
			try {
				l = LibraryLoader.create(LibNftables.class).failImmediately().load("libnftables.so.1");
			}
			catch (RuntimeException | LinkageError ex) {
				throw new SystemException("libnftables is not installed (Debian: libnftables1), so the bridge network "
						+ "cannot have its NAT rules: " + ex.getMessage());
			}
			this.lib = l;
		}
		return l;
	}

	private static void enableForwarding() {
		try {
			if (!Files.readString(IP_FORWARD).strip().equals("1")) {
				Files.writeString(IP_FORWARD, "1\n");
				logger.info("enabled IPv4 forwarding for the bridge network");
			}
		}
		catch (IOException ex) {
			throw new SystemException("cannot enable IPv4 forwarding: " + ex.getMessage(), ex);
		}
	}

}
