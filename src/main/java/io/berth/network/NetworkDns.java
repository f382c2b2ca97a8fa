package io.berth.network;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.berth.network.dns.DnsResolver;
import io.berth.network.dns.EmbeddedDns;

import org.springframework.stereotype.Component;

/**
 * The embedded DNS as containers on user-defined networks see it: one socket on 127.0.0.11:53 in each one's
 * namespace, answering from the current {@link DnsTable} and forwarding other names to the container's
 * {@code --dns} servers, or the configured upstreams, or the host's.
 */
@Component
class NetworkDns {

	private final EmbeddedDns server;

	private final NetworkProperties properties;

	private volatile DnsTable table = DnsTable.EMPTY;

	NetworkDns(EmbeddedDns server, NetworkProperties properties) {
		this.server = server;
		this.properties = properties;
	}

	void update(DnsTable table) {
		this.table = table;
	}

	void open(String containerId, Path netns, List<String> dnsServers) {
		this.server.open(containerId, netns, resolverFor(containerId), upstreams(dnsServers));
	}

	void close(String containerId) {
		this.server.close(containerId);
	}

	private DnsResolver resolverFor(String containerId) {
		return new DnsResolver() {

			@Override
			public Answer resolve(String name) {
				List<String> found = NetworkDns.this.table.lookup(containerId, name);
				return (found == null) ? Answer.forward() : Answer.local(found.stream().map(NetworkDns::v4).toList());
			}

			@Override
			public Optional<String> reverse(Inet4Address address) {
				return Optional.ofNullable(NetworkDns.this.table.reverse(containerId, address.getHostAddress()));
			}

		};
	}

	private List<InetSocketAddress> upstreams(List<String> dnsServers) {
		List<String> configured = !dnsServers.isEmpty() ? dnsServers
				: !this.properties.dnsUpstreams().isEmpty() ? this.properties.dnsUpstreams() : hostResolvers();
		List<InetSocketAddress> out = new ArrayList<>();
		for (String s : configured) {
			int colon = s.lastIndexOf(':');
			boolean withPort = colon > 0 && s.indexOf(':') == colon;
			String host = withPort ? s.substring(0, colon) : s;
			int port = withPort ? Integer.parseInt(s.substring(colon + 1)) : 53;
			out.add(new InetSocketAddress(v4(host), port));
		}
		return out;
	}

	/** The IPv4 name servers of the host's resolv.conf, which the daemon reaches from the host's namespace. */
	private static List<String> hostResolvers() {
		List<String> out = new ArrayList<>();
		try {
			for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
				String[] f = line.trim().split("\\s+");
				if (f.length >= 2 && f[0].equals("nameserver") && f[1].matches("[0-9.]+")) {
					out.add(f[1]);
				}
			}
		}
		catch (IOException ex) {
			// No resolv.conf: other names cannot be forwarded and get SERVFAIL.
		}
		return out;
	}

	private static Inet4Address v4(String dotted) {
		try {
			return (Inet4Address) InetAddress.getByAddress(InetAddress.getByName(dotted).getAddress());
		}
		catch (UnknownHostException | ClassCastException ex) {
			throw new IllegalArgumentException("not an IPv4 address: " + dotted, ex);
		}
	}

}
