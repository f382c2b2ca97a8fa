package io.berth.container;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.berth.error.ConflictException;
import io.berth.error.SystemException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Works out the ports a container publishes when it starts: its {@code -p} bindings, and with {@code -P} every
 * exposed port, with a free host port picked for each binding that names none. The container's monitor then holds
 * them, so a port taken meanwhile fails the start with the monitor's message.
 */
@Component
class PortPublisher {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	List<PublishedPort> resolve(ContainerSpec.HostSettings host, Map<String, Object> config) {
		if (!ContainerNetworks.joinsNetworks(host.networkMode())) {
			// As dockerd: published ports mean nothing in the host's namespace, and none is refused at create.
			return List.of();
		}
		List<PortBinding> bindings = new ArrayList<>(host.portBindings());
		if (host.publishAllPorts()) {
			Set<String> bound = new LinkedHashSet<>();
			bindings.forEach((b) -> bound.add(b.key()));
			for (String key : exposedPorts(config)) {
				String[] protocol = new String[1];
				int port = PortBinding.parsePortKey(key, protocol);
				if (!bound.contains(port + "/" + protocol[0])
						&& (protocol[0].equals("tcp") || protocol[0].equals("udp"))) {
					bindings.add(new PortBinding(port, protocol[0], "0.0.0.0", 0, 0));
				}
			}
		}
		List<PublishedPort> out = new ArrayList<>();
		for (PortBinding b : bindings) {
			int port = (b.hostPort() != 0 && b.hostPortEnd() == b.hostPort()) ? b.hostPort()
					: freePort(b, out);
			out.add(new PublishedPort(b.containerPort(), b.protocol(), b.hostIp(), port));
		}
		return out;
	}

	static String toJson(List<PublishedPort> ports) {
		return ports.isEmpty() ? null : JSON.writeValueAsString(ports);
	}

	static List<PublishedPort> fromJson(String json) {
		return (json == null || json.isEmpty()) ? List.of()
				: JSON.readValue(json, new TypeReference<List<PublishedPort>>() {
				});
	}

	@SuppressWarnings("unchecked")
	static Set<String> exposedPorts(Map<String, Object> config) {
		Object exposed = config.get("ExposedPorts");
		return (exposed instanceof Map<?, ?> m) ? ((Map<String, Object>) m).keySet() : Set.of();
	}

	/**
	 * A port free on the binding's address now: the kernel's pick of an ephemeral port, or the first free one of a
	 * {@code 8000-8010} range, skipping those this start already took.
	 */
	private static int freePort(PortBinding b, List<PublishedPort> taken) {
		InetAddress ip;
		try {
			ip = InetAddress.getByName(b.hostIp());
		}
		catch (IOException ex) {
			throw new SystemException("invalid host address " + b.hostIp(), ex);
		}
		if (b.hostPort() == 0) {
			return bindable(ip, 0, b.protocol());
		}
		for (int port = b.hostPort(); port <= b.hostPortEnd(); port++) {
			int p = port;
			if (taken.stream().noneMatch((t) -> t.hostPort() == p && t.protocol().equals(b.protocol()))
					&& bindable(ip, port, b.protocol()) == port) {
				return port;
			}
		}
		throw new ConflictException("Bind for " + b.hostIp() + ":" + b.hostPort() + "-" + b.hostPortEnd()
				+ " failed: all ports of the range are already allocated");
	}

	/** Binds the port for a moment; the port bound, or -1 when it is taken. */
	private static int bindable(InetAddress ip, int port, String protocol) {
		try {
			if (protocol.equals("udp")) {
				try (DatagramSocket s = new DatagramSocket(null)) {
					s.bind(new InetSocketAddress(ip, port));
					return s.getLocalPort();
				}
			}
			try (ServerSocket s = new ServerSocket()) {
				s.bind(new InetSocketAddress(ip, port));
				return s.getLocalPort();
			}
		}
		catch (IOException ex) {
			if (port == 0) {
				throw new SystemException("cannot find a free port on " + ip.getHostAddress() + ": "
						+ ex.getMessage(), ex);
			}
			return -1;
		}
	}

}
