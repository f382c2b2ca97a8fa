package io.berth.api.dockercompat.network;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.container.Container;
import io.berth.container.ContainerService;
import io.berth.container.ContainerState;
import io.berth.content.Digest;
import io.berth.error.ForbiddenException;
import io.berth.error.NotFoundException;
import io.berth.error.NotImplementedException;
import io.berth.network.NetworkAttachment;
import io.berth.network.NetworkService;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code docker network ls} and {@code inspect} of the three networks every engine has: {@code bridge} (the default,
 * on the {@code berth0} bridge), {@code host} and {@code none}. User-defined networks are not there yet, so creating
 * one answers 501, and the predefined ones cannot be removed, as with dockerd.
 */
@RestController
class NetworksController {

	private static final List<String> PREDEFINED = List.of(NetworkService.BRIDGE, "host", "none");

	private final NetworkService networks;

	private final ContainerService containers;

	/** When the engine started: dockerd reports its predefined networks as made then, too. */
	private final Instant created = Instant.now();

	NetworksController(NetworkService networks, ContainerService containers) {
		this.networks = networks;
		this.containers = containers;
	}

	@GetMapping("/networks")
	List<Map<String, Object>> list() {
		List<Map<String, Object>> out = new ArrayList<>();
		for (String name : PREDEFINED) {
			out.add(view(name, false));
		}
		return out;
	}

	@GetMapping("/networks/{id}")
	Map<String, Object> inspect(@PathVariable("id") String id) {
		return view(resolve(id), true);
	}

	@PostMapping("/networks/create")
	void create() {
		throw new NotImplementedException("user-defined networks are not supported yet; containers can use the "
				+ "default bridge network, host or none");
	}

	@DeleteMapping("/networks/{id}")
	void remove(@PathVariable("id") String id) {
		String name = resolve(id);
		throw new ForbiddenException(name + " is a pre-defined network and cannot be removed");
	}

	@PostMapping("/networks/prune")
	Map<String, Object> prune() {
		// Nothing but the predefined networks exists, and those are never pruned.
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("NetworksDeleted", null);
		return out;
	}

	private String resolve(String id) {
		for (String name : PREDEFINED) {
			if (name.equals(id) || (id.length() >= 1 && id.matches("[0-9a-f]+") && idOf(name).startsWith(id))) {
				return name;
			}
		}
		throw new NotFoundException("network " + id + " not found");
	}

	private String idOf(String name) {
		return name.equals(NetworkService.BRIDGE) ? this.networks.bridgeNetworkId()
				: Digest.of(("berth-network/" + name).getBytes(StandardCharsets.UTF_8)).hex();
	}

	private Map<String, Object> view(String name, boolean withContainers) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("Name", name);
		m.put("Id", idOf(name));
		m.put("Created", this.created.toString());
		m.put("Scope", "local");
		m.put("Driver", name.equals("none") ? "null" : name);
		m.put("EnableIPv6", false);
		Map<String, Object> ipam = new LinkedHashMap<>();
		ipam.put("Driver", "default");
		ipam.put("Options", null);
		ipam.put("Config", name.equals(NetworkService.BRIDGE)
				? List.of(Map.of("Subnet", this.networks.bridgeSubnet().toString(), "Gateway",
						this.networks.bridgeSubnet().gateway()))
				: List.of());
		m.put("IPAM", ipam);
		m.put("Internal", false);
		m.put("Attachable", false);
		m.put("Ingress", false);
		m.put("ConfigFrom", Map.of("Network", ""));
		m.put("ConfigOnly", false);
		m.put("Containers", withContainers ? containersOn(name) : Map.of());
		m.put("Options", name.equals(NetworkService.BRIDGE)
				? Map.of("com.docker.network.bridge.name", this.networks.bridgeName(),
						"com.docker.network.bridge.default_bridge", "true")
				: Map.of());
		m.put("Labels", Map.of());
		return m;
	}

	/** The running containers on a network, keyed by ID, as dockerd's inspect lists them. */
	private Map<String, Object> containersOn(String name) {
		Map<String, Object> out = new LinkedHashMap<>();
		for (Container c : this.containers.list()) {
			if (c.getState() != ContainerState.RUNNING && c.getState() != ContainerState.PAUSED) {
				continue;
			}
			if (!name.equals(this.containers.networkMode(c))) {
				continue;
			}
			Map<String, Object> e = new LinkedHashMap<>();
			e.put("Name", c.getName());
			NetworkAttachment a = name.equals(NetworkService.BRIDGE)
					? this.networks.attachment(c.getId()).orElse(null) : null;
			e.put("EndpointID", (a != null) ? c.getId() : "");
			e.put("MacAddress", (a != null) ? a.mac() : "");
			e.put("IPv4Address", (a != null) ? a.address() + "/" + a.prefix() : "");
			e.put("IPv6Address", "");
			out.put(c.getId(), e);
		}
		return out;
	}

}
