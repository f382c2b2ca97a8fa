package io.berth.container;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.error.EngineException;
import io.berth.network.NetworkAttachment;
import io.berth.network.NetworkService;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/** Renders containers as Docker's list items and inspect documents (API 1.41 shapes), for the API and the dashboard. */
@Component
public class ContainerViews {

	private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final JsonMapper json = JsonMapper.builder().build();

	private final NetworkService networks;

	public ContainerViews(ContainerService containers, ContainerLifecycle lifecycle, NetworkService networks) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.networks = networks;
	}

	public Map<String, Object> summary(Container c) {
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
		m.put("NetworkSettings", Map.of("Networks", networks(c, c.getState().isActive())));
		m.put("Mounts", mounts(c));
		return m;
	}

	public Map<String, Object> inspect(Container c) {
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
	 * Docker's NetworkSettings: a container shows each network it is on, with its address there while it runs;
	 * host and none modes have an entry of that name, and the top-level address fields are the default bridge's.
	 */
	private Map<String, Object> networkSettings(Container c) {
		boolean running = c.getState() == ContainerState.RUNNING || c.getState() == ContainerState.PAUSED;
		Map<String, Map<String, Object>> networks = networks(c, running);
		Map<String, Object> bridge = networks.getOrDefault(NetworkService.BRIDGE, endpoint("", null, false));
		Map<String, Object> net = new LinkedHashMap<>();
		net.put("Bridge", "");
		net.put("SandboxID", "");
		net.put("HairpinMode", false);
		net.put("LinkLocalIPv6Address", "");
		net.put("LinkLocalIPv6PrefixLen", 0);
		net.put("Ports", running ? portMap(c) : Map.of());
		net.put("SandboxKey", "");
		net.put("EndpointID", bridge.get("EndpointID"));
		net.put("Gateway", bridge.get("Gateway"));
		net.put("GlobalIPv6Address", "");
		net.put("GlobalIPv6PrefixLen", 0);
		net.put("IPAddress", bridge.get("IPAddress"));
		net.put("IPPrefixLen", bridge.get("IPPrefixLen"));
		net.put("IPv6Gateway", "");
		net.put("MacAddress", bridge.get("MacAddress"));
		net.put("Networks", networks);
		return net;
	}

	/** The container's networks by name; one in another's namespace has none of its own, as dockerd shows it. */
	private Map<String, Map<String, Object>> networks(Container c, boolean running) {
		String mode = networkMode(c);
		String name = mode.equals("default") ? NetworkService.BRIDGE : mode;
		Map<String, Map<String, Object>> out = new LinkedHashMap<>();
		if (name.startsWith("container:")) {
			return out;
		}
		List<NetworkAttachment> attached = (name.equals("host") || name.equals("none")) ? List.of()
				: this.networks.attachments(c.getId());
		for (NetworkAttachment a : attached) {
			out.put(a.network(), endpoint(a.networkId(), a, running));
		}
		if (out.isEmpty()) {
			String id;
			try {
				id = this.networks.find(name).id();
			}
			catch (EngineException ex) {
				// Its network was removed while the container was stopped.
				id = "";
			}
			out.put(name, endpoint(id, null, false));
		}
		return out;
	}

	private static Map<String, Object> endpoint(String networkId, NetworkAttachment a, boolean running) {
		boolean up = a != null && running;
		Map<String, Object> endpoint = new LinkedHashMap<>();
		endpoint.put("IPAMConfig", null);
		endpoint.put("Links", null);
		endpoint.put("Aliases", (a != null && !a.aliases().isEmpty()) ? a.aliases() : null);
		endpoint.put("NetworkID", networkId);
		endpoint.put("EndpointID", up ? a.endpointId() : "");
		endpoint.put("Gateway", up ? a.gateway() : "");
		endpoint.put("IPAddress", up ? a.address() : "");
		endpoint.put("IPPrefixLen", up ? a.prefix() : 0);
		endpoint.put("IPv6Gateway", "");
		endpoint.put("GlobalIPv6Address", "");
		endpoint.put("GlobalIPv6PrefixLen", 0);
		endpoint.put("MacAddress", up ? a.mac() : "");
		endpoint.put("DriverOpts", null);
		return endpoint;
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
