package io.berth.container;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
		if (!host.networkMode().equals("bridge")) {
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
				if (!bound.contains(port + "/" + protocol[0]) && protocol[0].equals("tcp")) {
					bindings.add(new PortBinding(port, protocol[0], "0.0.0.0", 0));
				}
			}
		}
		List<PublishedPort> out = new ArrayList<>();
		for (PortBinding b : bindings) {
			int port = (b.hostPort() != 0) ? b.hostPort() : freePort(b.hostIp());
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

	/** A port free on that address now, as the kernel picks ephemeral ports. */
	private static int freePort(String hostIp) {
		try (ServerSocket s = new ServerSocket()) {
			s.bind(new InetSocketAddress(InetAddress.getByName(hostIp), 0));
			return s.getLocalPort();
		}
		catch (IOException ex) {
			throw new SystemException("cannot find a free port on " + hostIp + ": " + ex.getMessage(), ex);
		}
	}

}
