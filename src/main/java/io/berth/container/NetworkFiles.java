package io.berth.container;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.berth.network.NetworkService;

import org.springframework.stereotype.Component;

/**
 * A container's {@code /etc/hosts} and {@code /etc/resolv.conf}, as dockerd writes them: localhost entries, then
 * {@code --add-host} entries ({@code host-gateway} being the bridge's address), then the container's own address;
 * and the host's resolver settings unless {@code --dns}, {@code --dns-search} or {@code --dns-option} replace them.
 */
@Component
class NetworkFiles {

	private final NetworkService networks;

	NetworkFiles(NetworkService networks) {
		this.networks = networks;
	}

	String hosts(String hostname, List<String> extraHosts, String address) {
		StringBuilder b = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
				+ "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
		for (String entry : extraHosts) {
			int colon = entry.indexOf(':');
			String ip = entry.substring(colon + 1);
			if (ip.equals("host-gateway")) {
				ip = this.networks.bridgeSubnet().gateway();
			}
			b.append(ip).append('\t').append(entry, 0, colon).append('\n');
		}
		if (address != null) {
			b.append(address).append('\t').append(hostname).append('\n');
		}
		return b.toString();
	}

	/**
	 * The host's resolv.conf without loopback name servers (they would point into the container itself), with the
	 * parts the container's settings name replaced. On a user-defined network the only server is the embedded DNS,
	 * which forwards to the {@code --dns} ones itself.
	 */
	static String resolvConf(Path hostFile, List<String> dns, List<String> search, List<String> options,
			boolean embeddedDns) throws IOException {
		List<String> lines = Files.exists(hostFile) ? Files.readAllLines(hostFile) : List.of();
		List<String> out = new ArrayList<>();
		for (String line : lines) {
			String t = line.strip();
			if (t.matches("nameserver\\s+(127\\.|::1).*") || ((!dns.isEmpty() || embeddedDns) && t.startsWith("nameserver"))
					|| (!search.isEmpty() && (t.startsWith("search") || t.startsWith("domain")))
					|| (!options.isEmpty() && t.startsWith("options"))) {
				continue;
			}
			out.add(line);
		}
		if (embeddedDns) {
			out.add("nameserver 127.0.0.11");
		}
		else {
			dns.forEach((d) -> out.add("nameserver " + d));
		}
		if (!search.isEmpty()) {
			out.add("search " + String.join(" ", search));
		}
		if (!options.isEmpty()) {
			out.add("options " + String.join(" ", options));
		}
		else if (embeddedDns) {
			// As dockerd writes it: single-label container names go to the embedded server first.
			out.add("options ndots:0");
		}
		return out.isEmpty() ? "" : String.join("\n", out) + "\n";
	}

	/** Whether the text is a literal IPv4 or IPv6 address (never a name to look up). */
	static boolean isIp(String text) {
		if (text.matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}")) {
			return true;
		}
		if (!text.contains(":") || !text.matches("[0-9a-fA-F:.]+")) {
			return false;
		}
		try {
			// With a colon the JDK parses an IPv6 literal and never asks a resolver.
			InetAddress.getByName(text);
			return true;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
