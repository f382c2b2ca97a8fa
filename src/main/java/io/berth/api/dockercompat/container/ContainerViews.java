package io.berth.api.dockercompat.container;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.container.Container;
import io.berth.container.ContainerLifecycle;
import io.berth.container.ContainerService;
import io.berth.container.ContainerState;
import io.berth.container.ContainerStatus;
import io.berth.container.MountPlan;
import io.berth.container.PublishedPort;
import io.berth.network.NetworkAttachment;
import io.berth.network.NetworkService;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/** Renders containers as Docker's list items and inspect documents (API 1.41 shapes). */
@Component
class ContainerViews {

	private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final JsonMapper json = JsonMapper.builder().build();

	private final NetworkService networks;

	ContainerViews(ContainerService containers, ContainerLifecycle lifecycle, NetworkService networks) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.networks = networks;
	}

	Map<String, Object> summary(Container c) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("Id", c.getId());
		m.put("Names", List.of("/" + c.getName()));
		m.put("Image", c.getImage());
		m.put("ImageID", c.getImageId());
		m.put("Command", String.join(" ", this.containers.args(c)));
		m.put("Created", c.getCreated().getEpochSecond());
		m.put("Ports", portSummaries(c));
		m.put("Labels", this.containers.config(c).getOrDefault("Labels", Map.of()));
		m.put("State", c.getState().dockerName());
		m.put("Status", ContainerStatus.of(c, Instant.now()));
		m.put("HostConfig", Map.of("NetworkMode", networkMode(c)));
		m.put("NetworkSettings", Map.of("Networks", Map.of()));
		m.put("Mounts", mounts(c));
		return m;
	}

	Map<String, Object> inspect(Container c) {
		Map<String, Object> m = new LinkedHashMap<>();
		List<String> args = this.containers.args(c);
		m.put("Id", c.getId());
		m.put("Created", c.getCreated().toString());
		m.put("Path", args.isEmpty() ? "" : args.get(0));
		m.put("Args", args.size() > 1 ? args.subList(1, args.size()) : List.of());
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("Status", c.getState().dockerName());
		state.put("Running", c.getState() == ContainerState.RUNNING || c.getState() == ContainerState.PAUSED);
		state.put("Paused", c.getState() == ContainerState.PAUSED);
		state.put("Restarting", c.getState() == ContainerState.RESTARTING);
		state.put("OOMKilled", c.isOomKilled());
		state.put("Dead", c.getState() == ContainerState.DEAD);
		state.put("Pid", c.getPid());
		state.put("ExitCode", c.getExitCode());
		state.put("Error", c.getError());
		state.put("StartedAt", time(c.getStartedAt()));
		state.put("FinishedAt", time(c.getFinishedAt()));
		m.put("State", state);
		m.put("Image", c.getImageId());
		m.put("ResolvConfPath", "");
		m.put("HostnamePath", "");
		m.put("HostsPath", "");
		m.put("LogPath", "");
		m.put("Name", "/" + c.getName());
		m.put("RestartCount", c.getRestartCount());
		m.put("Driver", "overlay2");
		m.put("Platform", "linux");
		m.put("MountLabel", "");
		m.put("ProcessLabel", "");
		m.put("AppArmorProfile", "");
		m.put("ExecIDs", null);
		Map<String, Object> host = this.json.readValue(c.getHostConfig(), new TypeReference<Map<String, Object>>() {
		});
		host.put("LogConfig", Map.of("Type", "json-file", "Config", Map.of()));
		host.put("NetworkMode", networkMode(c));
		host.putIfAbsent("RestartPolicy", Map.of("Name", "no", "MaximumRetryCount", 0));
		if (!(host.get("ShmSize") instanceof Number n) || n.longValue() == 0) {
			host.put("ShmSize", 67108864L);
		}
		host.put("Runtime", "berth-runtime");
		m.put("HostConfig", host);
		m.put("GraphDriver", Map.of("Name", "overlay2", "Data", Map.of()));
		m.put("Mounts", mounts(c));
		m.put("Config", this.containers.config(c));
		m.put("NetworkSettings", networkSettings(c));
		return m;
	}

	/**
	 * Docker's NetworkSettings: a container on the bridge shows its address while it runs, and the network's entry
	 * (without an address) when it does not; none and host modes have an entry of that name.
	 */
	private Map<String, Object> networkSettings(Container c) {
		boolean running = c.getState() == ContainerState.RUNNING || c.getState() == ContainerState.PAUSED;
		String mode = networkMode(c);
		String name = mode.equals("default") ? NetworkService.BRIDGE : mode;
		NetworkAttachment a = (running && name.equals(NetworkService.BRIDGE))
				? this.networks.attachment(c.getId()).orElse(null) : null;
		Map<String, Object> endpoint = new LinkedHashMap<>();
		endpoint.put("IPAMConfig", null);
		endpoint.put("Links", null);
		endpoint.put("Aliases", null);
		endpoint.put("NetworkID", name.equals(NetworkService.BRIDGE) ? this.networks.bridgeNetworkId() : "");
		endpoint.put("EndpointID", (a != null) ? c.getId() : "");
		endpoint.put("Gateway", (a != null) ? a.gateway() : "");
		endpoint.put("IPAddress", (a != null) ? a.address() : "");
		endpoint.put("IPPrefixLen", (a != null) ? a.prefix() : 0);
		endpoint.put("IPv6Gateway", "");
		endpoint.put("GlobalIPv6Address", "");
		endpoint.put("GlobalIPv6PrefixLen", 0);
		endpoint.put("MacAddress", (a != null) ? a.mac() : "");
		endpoint.put("DriverOpts", null);
		Map<String, Object> net = new LinkedHashMap<>();
		net.put("Bridge", "");
		net.put("SandboxID", "");
		net.put("HairpinMode", false);
		net.put("LinkLocalIPv6Address", "");
		net.put("LinkLocalIPv6PrefixLen", 0);
		net.put("Ports", running ? portMap(c) : Map.of());
		net.put("SandboxKey", "");
		net.put("EndpointID", endpoint.get("EndpointID"));
		net.put("Gateway", endpoint.get("Gateway"));
		net.put("GlobalIPv6Address", "");
		net.put("GlobalIPv6PrefixLen", 0);
		net.put("IPAddress", endpoint.get("IPAddress"));
		net.put("IPPrefixLen", endpoint.get("IPPrefixLen"));
		net.put("IPv6Gateway", "");
		net.put("MacAddress", endpoint.get("MacAddress"));
		// A container in another's namespace has no network of its own, as dockerd shows it.
		net.put("Networks", name.startsWith("container:") ? Map.of() : Map.of(name, endpoint));
		return net;
	}

	/** {@code docker ps}'s ports: each published one, then exposed ones that are not, as dockerd lists them. */
	private List<Map<String, Object>> portSummaries(Container c) {
		List<Map<String, Object>> out = new ArrayList<>();
		java.util.Set<String> published = new java.util.HashSet<>();
		for (PublishedPort p : this.containers.publishedPorts(c)) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("IP", p.hostIp());
			m.put("PrivatePort", p.containerPort());
			m.put("PublicPort", p.hostPort());
			m.put("Type", p.protocol());
			out.add(m);
			published.add(p.key());
		}
		for (String key : this.containers.exposedPorts(c)) {
			if (!published.contains(key)) {
				String[] parts = key.split("/");
				out.add(Map.of("PrivatePort", Integer.parseInt(parts[0]), "Type",
						(parts.length > 1) ? parts[1] : "tcp"));
			}
		}
		return out;
	}

	/** Inspect's {@code NetworkSettings.Ports}, which {@code docker port} reads: exposed ports map to null. */
	private Map<String, Object> portMap(Container c) {
		Map<String, Object> out = new java.util.TreeMap<>();
		for (String key : this.containers.exposedPorts(c)) {
			out.put(key, null);
		}
		for (PublishedPort p : this.containers.publishedPorts(c)) {
			@SuppressWarnings("unchecked")
			List<Map<String, String>> list = (out.get(p.key()) instanceof List<?> l) ? (List<Map<String, String>>) l
					: new ArrayList<>();
			list.add(Map.of("HostIp", p.hostIp(), "HostPort", Integer.toString(p.hostPort())));
			out.put(p.key(), list);
		}
		return out;
	}

	private String networkMode(Container c) {
		Map<String, Object> host = this.json.readValue(c.getHostConfig(), new TypeReference<Map<String, Object>>() {
		});
		Object mode = host.get("NetworkMode");
		return (mode instanceof String s && !s.isEmpty()) ? s : "default";
	}

	private List<Map<String, Object>> mounts(Container c) {
		List<Map<String, Object>> out = new ArrayList<>();
		for (MountPlan p : this.containers.mounts(c)) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("Type", p.type());
			if (p.type().equals("volume")) {
				m.put("Name", p.name());
				m.put("Driver", "local");
			}
			m.put("Source", p.source());
			m.put("Destination", p.destination());
			m.put("Mode", p.readOnly() ? "ro" : "");
			m.put("RW", !p.readOnly());
			m.put("Propagation", p.type().equals("bind") ? "rprivate" : "");
			out.add(m);
		}
		return out;
	}

	private static String time(Instant t) {
		return (t == null || t.equals(Instant.EPOCH)) ? ZERO_TIME : t.toString();
	}

}
