package io.berth.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.berth.error.SystemException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Berth's own nftables table, {@code ip berth}: masquerade for traffic leaving the bridge's subnet by another
 * interface, and acceptance of forwarded traffic from and back to the bridge. It is written through libnftables in
 * the daemon's process, as one atomic transaction that replaces the whole table, so no rule is ever half there and
 * no {@code nft} process is spawned. IP forwarding is turned on with it, as dockerd does.
 */
@Component
class NatRules {

	static final String TABLE = "berth";

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

	private volatile LibNftables lib;

	private volatile String applied;

	/** Makes the table match the bridge, unless it already does from this daemon's run. */
	synchronized void ensure(String bridge, Ipv4Subnet subnet) {
		String ruleset = ruleset(bridge, subnet);
		if (ruleset.equals(this.applied)) {
			return;
		}
		run(ruleset);
		enableForwarding();
		this.applied = ruleset;
	}

	/** The transaction: declaring the table first makes the delete succeed even when it did not exist. */
	static String ruleset(String bridge, Ipv4Subnet subnet) {
		return "add table ip " + TABLE + "\n"
				+ "delete table ip " + TABLE + "\n"
				+ "table ip " + TABLE + " {\n"
				+ "  chain postrouting {\n"
				+ "    type nat hook postrouting priority srcnat; policy accept;\n"
				+ "    ip saddr " + subnet + " oifname != \"" + bridge + "\" masquerade\n"
				+ "  }\n"
				+ "  chain forward {\n"
				+ "    type filter hook forward priority filter; policy accept;\n"
				+ "    iifname \"" + bridge + "\" accept\n"
				+ "    oifname \"" + bridge + "\" ct state related,established accept\n"
				+ "  }\n"
				+ "}\n";
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
