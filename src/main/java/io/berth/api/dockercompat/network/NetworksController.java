package io.berth.api.dockercompat.network;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.api.dockercompat.FilterArgs;
import io.berth.api.dockercompat.FilterTimes;
import io.berth.container.Container;
import io.berth.container.ContainerNetworks;
import io.berth.container.ContainerService;
import io.berth.container.EndpointRequest;
import io.berth.error.InvalidParameterException;
import io.berth.network.NetworkAttachment;
import io.berth.network.NetworkCreate;
import io.berth.network.NetworkInfo;
import io.berth.network.NetworkService;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code docker network}: the predefined {@code bridge}, {@code host} and {@code none}, and user-defined bridge
 * networks with {@code create}, {@code rm}, {@code connect}, {@code disconnect} and {@code prune}.
 */
@RestController
class NetworksController {

	private final NetworkService networks;

	private final ContainerService containers;

	private final ContainerNetworks connections;

	NetworksController(NetworkService networks, ContainerService containers, ContainerNetworks connections) {
		this.networks = networks;
		this.containers = containers;
		this.connections = connections;
	}

	@GetMapping("/networks")
	List<Map<String, Object>> list(@RequestParam(required = false) @Nullable String filters) {
		FilterArgs f = FilterArgs.parse(filters).validate(Set.of("name", "id", "driver", "label", "type", "scope",
				"dangling"));
		List<Map<String, Object>> out = new ArrayList<>();
		for (NetworkInfo n : this.networks.list()) {
			if (matches(n, f)) {
				out.add(view(n, false));
			}
		}
		return out;
	}

	private static boolean matches(NetworkInfo n, FilterArgs f) {
		return (f.get("name").isEmpty() || f.get("name").stream().anyMatch((v) -> n.name().contains(v)))
				&& (f.get("id").isEmpty() || f.get("id").stream().anyMatch((v) -> n.id().startsWith(v)))
				&& (f.get("driver").isEmpty() || f.get("driver").contains(n.driver()))
				&& f.get("label").stream().allMatch((v) -> FilterArgs.labelMatches(v, n.labels()))
				&& (f.get("scope").isEmpty() || f.get("scope").contains("local"))
				&& (f.get("type").isEmpty() || f.get("type").contains(n.predefined() ? "builtin" : "custom"));
	}

	@GetMapping("/networks/{id}")
	Map<String, Object> inspect(@PathVariable("id") String id) {
		return view(this.networks.find(id), true);
	}

	/** The body of {@code POST /networks/create}, as CLI 28 and compose send it. */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record CreateRequest(@JsonProperty("Name") @Nullable String name, @JsonProperty("Driver") @Nullable String driver,
			@JsonProperty("Internal") @Nullable Boolean internal,
			@JsonProperty("Attachable") @Nullable Boolean attachable,
			@JsonProperty("EnableIPv6") @Nullable Boolean enableIpv6, @JsonProperty("IPAM") @Nullable Ipam ipam,
			@JsonProperty("Options") @Nullable Map<String, String> options,
			@JsonProperty("Labels") @Nullable Map<String, String> labels) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Ipam(@JsonProperty("Driver") @Nullable String driver,
			@JsonProperty("Config") @Nullable List<IpamConfig> config) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record IpamConfig(@JsonProperty("Subnet") @Nullable String subnet, @JsonProperty("Gateway") @Nullable String gateway,
			@JsonProperty("IPRange") @Nullable String ipRange) {
	}

	@PostMapping("/networks/create")
	@ResponseStatus(HttpStatus.CREATED)
	Map<String, Object> create(@RequestBody CreateRequest req) {
		if (Boolean.TRUE.equals(req.enableIpv6())) {
			throw new InvalidParameterException("IPv6 networks are not supported");
		}
		List<IpamConfig> configs = (req.ipam() != null && req.ipam().config() != null) ? req.ipam().config()
				: List.of();
		if (configs.size() > 1) {
			throw new InvalidParameterException("only one IPv4 subnet per network is supported");
		}
		IpamConfig ipam = configs.isEmpty() ? new IpamConfig(null, null, null) : configs.get(0);
		if (ipam.ipRange() != null && !ipam.ipRange().isEmpty()) {
			throw new InvalidParameterException("--ip-range is not supported; addresses come from the whole subnet");
		}
		NetworkInfo n = this.networks.create(new NetworkCreate(req.name(), req.driver(), ipam.subnet(),
				ipam.gateway(), Boolean.TRUE.equals(req.internal()), Boolean.TRUE.equals(req.attachable()),
				req.labels(), req.options()));
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("Id", n.id());
		out.put("Warning", "");
		return out;
	}

	@DeleteMapping("/networks/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void remove(@PathVariable("id") String id) {
		this.networks.remove(id);
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record ConnectRequest(@JsonProperty("Container") @Nullable String container,
			@JsonProperty("EndpointConfig") @Nullable EndpointConfig endpointConfig) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record EndpointConfig(@JsonProperty("Aliases") @Nullable List<String> aliases,
			@JsonProperty("IPAMConfig") @Nullable IpamAddress ipamConfig) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record IpamAddress(@JsonProperty("IPv4Address") @Nullable String ipv4Address) {
	}

	@PostMapping("/networks/{id}/connect")
	void connect(@PathVariable("id") String id, @RequestBody ConnectRequest req) {
		if (req.container() == null || req.container().isEmpty()) {
			throw new InvalidParameterException("no container given to connect");
		}
		EndpointConfig ec = (req.endpointConfig() != null) ? req.endpointConfig() : new EndpointConfig(null, null);
		String ip = (ec.ipamConfig() != null) ? ec.ipamConfig().ipv4Address() : null;
		this.connections.connect(req.container(), id, new EndpointRequest(id, ec.aliases(), ip));
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record DisconnectRequest(@JsonProperty("Container") @Nullable String container,
			@JsonProperty("Force") @Nullable Boolean force) {
	}

	@PostMapping("/networks/{id}/disconnect")
	void disconnect(@PathVariable("id") String id, @RequestBody DisconnectRequest req) {
		if (req.container() == null || req.container().isEmpty()) {
			throw new InvalidParameterException("no container given to disconnect");
		}
		this.connections.disconnect(req.container(), id);
	}

	@PostMapping("/networks/prune")
	Map<String, Object> prune(@RequestParam(required = false) @Nullable String filters) {
		FilterArgs f = FilterArgs.parse(filters).validate(Set.of("label", "label!", "until"));
		Instant until = f.get("until").isEmpty() ? null : FilterTimes.until(f.get("until").get(0));
		List<String> removed = this.networks.prune((n) -> f.get("label")
			.stream()
			.allMatch((l) -> FilterArgs.labelMatches(l, n.labels()))
				&& f.get("label!").stream().noneMatch((l) -> FilterArgs.labelMatches(l, n.labels()))
				&& (until == null || n.created().isBefore(until)));
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("NetworksDeleted", removed.isEmpty() ? null : removed);
		return out;
	}

	private Map<String, Object> view(NetworkInfo n, boolean withContainers) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("Name", n.name());
		m.put("Id", n.id());
		m.put("Created", n.created().toString());
		m.put("Scope", "local");
		m.put("Driver", n.driver());
		m.put("EnableIPv6", false);
		Map<String, Object> ipam = new LinkedHashMap<>();
		ipam.put("Driver", "default");
		ipam.put("Options", null);
		ipam.put("Config", (n.subnet() != null)
				? List.of(Map.of("Subnet", n.subnet().toString(), "Gateway", n.gateway())) : List.of());
		m.put("IPAM", ipam);
		m.put("Internal", n.internal());
		m.put("Attachable", n.attachable());
		m.put("Ingress", false);
		m.put("ConfigFrom", Map.of("Network", ""));
		m.put("ConfigOnly", false);
		m.put("Containers", withContainers ? containersOn(n) : Map.of());
		m.put("Options", n.options());
		m.put("Labels", n.labels());
		return m;
	}

	/** The running containers on a network, keyed by ID, as dockerd's inspect lists them. */
	private Map<String, Object> containersOn(NetworkInfo n) {
		Map<String, Object> out = new LinkedHashMap<>();
		if (!n.isBridge()) {
			return out;
		}
		for (Map.Entry<String, NetworkAttachment> e : this.networks.runningOn(n.id())) {
			NetworkAttachment a = e.getValue();
			Container c = this.containers.find(e.getKey()).orElse(null);
			Map<String, Object> v = new LinkedHashMap<>();
			v.put("Name", (c != null) ? c.getName() : "");
			v.put("EndpointID", a.endpointId());
			v.put("MacAddress", a.mac());
			v.put("IPv4Address", a.address() + "/" + a.prefix());
			v.put("IPv6Address", "");
			out.put(e.getKey(), v);
		}
		return out;
	}

}
