package io.berth.network;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.berth.content.Digest;
import io.berth.content.RandomIds;
import io.berth.error.ConflictException;
import io.berth.error.ForbiddenException;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotFoundException;
import io.berth.error.UnavailableException;
import io.berth.events.EventPublisher;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * Networks and the containers' places on them. The predefined {@code bridge} network lives on
 * {@code berth.network.bridge-name}; each user-defined one on a bridge of its own, made by the first container's
 * monitor and removed with the network. An endpoint holds a container's address from its connection (or first start,
 * on the default bridge) until it is disconnected or removed. While a container runs ({@link #up} to {@link #down}),
 * its names are in the embedded DNS of the networks it shares with others and its published ports in the firewall.
 * Changes are serialized by the service's lock, each store call committing at once: a transaction around a locked
 * method would commit after the lock is released, and two containers created at once could get one address.
 */
@Service
public class NetworkService {

	public static final String BRIDGE = "bridge";

	private static final Log logger = LogFactory.getLog(NetworkService.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final List<String> PREDEFINED = List.of(BRIDGE, "host", "none");

	private final NetworkProperties properties;

	private final Ipv4Subnet subnet;

	private final NetworkRepository networks;

	private final EndpointRepository endpoints;

	private final NatRules nat;

	private final Links links;

	private final NetworkDns dns;

	private final EventPublisher events;

	/** When the engine started: dockerd reports its predefined networks as made then, too. */
	private final Instant started = Instant.now();

	/** The containers running now, with what they publish. */
	private final Map<String, Live> live = new ConcurrentHashMap<>();

	private record Live(Path netns, List<PortRule> ports, List<String> dnsServers) {
	}

	NetworkService(NetworkProperties properties, NetworkRepository networks, EndpointRepository endpoints,
			NatRules nat, Links links, NetworkDns dns, EventPublisher events) {
		this.properties = properties;
		this.subnet = properties.subnet();
		this.networks = networks;
		this.endpoints = endpoints;
		this.nat = nat;
		this.links = links;
		this.dns = dns;
		this.events = events;
	}

	/** A stable ID for a predefined network, derived from the bridge for {@code bridge} so it survives restarts. */
	private String predefinedId(String name) {
		String seed = name.equals(BRIDGE) ? this.properties.bridgeName() : name;
		return Digest.of(("berth-network/" + seed).getBytes(StandardCharsets.UTF_8)).hex();
	}

	public String bridgeNetworkId() {
		return predefinedId(BRIDGE);
	}

	public Ipv4Subnet bridgeSubnet() {
		return this.subnet;
	}

	public List<NetworkInfo> list() {
		List<NetworkInfo> out = new ArrayList<>();
		PREDEFINED.forEach((n) -> out.add(predefined(n)));
		this.networks.findAll().forEach((n) -> out.add(info(n)));
		return out;
	}

	/** A network by name, full ID or unique ID prefix, as dockerd looks them up. */
	public NetworkInfo find(String ref) {
		if (PREDEFINED.contains(ref)) {
			return predefined(ref);
		}
		Optional<Network> byName = this.networks.findByName(ref);
		if (byName.isPresent()) {
			return info(byName.get());
		}
		List<NetworkInfo> matches = list().stream().filter((n) -> !ref.isEmpty() && n.id().startsWith(ref)).toList();
		if (matches.size() == 1) {
			return matches.get(0);
		}
		if (matches.size() > 1) {
			throw new InvalidParameterException("network " + ref + " is ambiguous (" + matches.size() + " matches)");
		}
		throw new NotFoundException("network " + ref + " not found");
	}

	private NetworkInfo predefined(String name) {
		boolean bridge = name.equals(BRIDGE);
		Map<String, String> options = bridge ? Map.of("com.docker.network.bridge.name", this.properties.bridgeName(),
				"com.docker.network.bridge.default_bridge", "true") : Map.of();
		return new NetworkInfo(predefinedId(name), name, name.equals("none") ? "null" : name,
				bridge ? this.properties.bridgeName() : null, bridge ? this.subnet : null,
				bridge ? this.subnet.gateway() : null, false, false, true, Map.of(), options, this.started);
	}

	private static NetworkInfo info(Network n) {
		return new NetworkInfo(n.id(), n.name(), "bridge", n.bridge(), n.subnet(), n.gateway(), n.internal(),
				n.attachable(), false, readMap(n.labels()), readMap(n.options()), n.created());
	}

	private static Map<String, String> readMap(String json) {
		return (json == null) ? Map.of() : JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {
		});
	}

	/** {@code docker network create}: a name no other network has, and a subnet no other network or route has. */
	public synchronized NetworkInfo create(NetworkCreate req) {
		if (PREDEFINED.contains(req.name()) || this.networks.findByName(req.name()).isPresent()) {
			throw new ConflictException("network with name " + req.name() + " already exists");
		}
		List<AddressPool.Taken> taken = new ArrayList<>();
		taken.add(AddressPool.Taken.of(this.subnet));
		this.networks.findAll().forEach((n) -> taken.add(AddressPool.Taken.of(n.subnet())));
		Ipv4Subnet s;
		if (req.subnet() != null) {
			s = Ipv4Subnet.parse(req.subnet());
			if (taken.stream().anyMatch((t) -> t.overlaps(s.network(), s.prefix()))) {
				throw new ConflictException("invalid pool request: Pool overlaps with other one on this address space");
			}
		}
		else {
			taken.addAll(AddressPool.hostRoutes(Path.of("/proc/net/route")));
			s = AddressPool.freeSubnet(this.properties.poolSubnet(), this.properties.poolSubnetPrefix(), taken)
				.orElseThrow(() -> new UnavailableException("could not find an available, non-overlapping IPv4 "
						+ "address pool among the defaults to assign to the network"));
		}
		String gateway = (req.gateway() != null) ? req.gateway() : s.gateway();
		long offset = s.offsetOf(gateway);
		if (offset == 0 || offset == s.size() - 1) {
			throw new InvalidParameterException("gateway " + gateway + " is the network or broadcast address of " + s);
		}
		String id = RandomIds.next();
		String bridge = req.options().getOrDefault(NetworkCreate.BRIDGE_NAME_OPTION, "bt-" + id.substring(0, 12));
		if (bridge.equals(this.properties.bridgeName())
				|| this.networks.findAll().stream().anyMatch((n) -> n.bridge().equals(bridge))) {
			throw new ConflictException("bridge " + bridge + " is already used by another network");
		}
		Network n = this.networks.save(new Network(id, req.name(), bridge, s, gateway, req.internal(),
				req.attachable(), req.labels().isEmpty() ? null : JSON.writeValueAsString(req.labels()),
				req.options().isEmpty() ? null : JSON.writeValueAsString(req.options())));
		applyRules();
		this.events.publish("network", "create", id, Map.of("name", n.name(), "type", "bridge"));
		return info(n);
	}

	/** {@code docker network rm}: refused for predefined networks and while a running container is on it. */
	public synchronized void remove(String ref) {
		NetworkInfo info = find(ref);
		if (info.predefined()) {
			throw new ForbiddenException(info.name() + " is a pre-defined network and cannot be removed");
		}
		List<Endpoint> on = this.endpoints.findByNetworkId(info.id());
		if (on.stream().anyMatch((e) -> this.live.containsKey(e.containerId()))) {
			throw new ConflictException("error while removing network: network " + info.name() + " id " + info.id()
					+ " has active endpoints");
		}
		this.endpoints.deleteAll(on);
		this.networks.deleteById(info.id());
		this.links.delete(info.bridge());
		applyRules();
		this.events.publish("network", "destroy", info.id(), Map.of("name", info.name(), "type", "bridge"));
	}

	/** {@code docker network prune}: the user-defined networks no running container is on, that match. */
	public synchronized List<String> prune(Predicate<NetworkInfo> filter) {
		List<String> removed = new ArrayList<>();
		for (Network n : this.networks.findAll()) {
			NetworkInfo info = info(n);
			boolean used = this.endpoints.findByNetworkId(n.id())
				.stream()
				.anyMatch((e) -> this.live.containsKey(e.containerId()));
			if (!used && filter.test(info)) {
				remove(n.id());
				removed.add(n.name());
			}
		}
		return removed;
	}

	/**
	 * Connects a container to a bridge network, with an address from its subnet ({@code ipv4} if given).
	 * @throws ForbiddenException when it is already connected
	 */
	public synchronized NetworkAttachment connect(String containerId, String containerName, String ref,
			List<String> aliases, String ipv4) {
		NetworkInfo n = find(ref);
		if (!n.isBridge()) {
			throw new InvalidParameterException("container cannot be connected to the " + n.name() + " network; "
					+ "only bridge networks take more than one container's interface");
		}
		if (this.endpoints.findByContainerIdAndNetworkId(containerId, n.id()).isPresent()) {
			throw new ForbiddenException("endpoint with name " + containerName + " already exists in network "
					+ n.name());
		}
		if (n.predefined() && (!aliases.isEmpty())) {
			throw new InvalidParameterException("network-scoped alias is supported only for containers in user "
					+ "defined networks");
		}
		for (String alias : aliases) {
			if (!alias.matches("[A-Za-z0-9]([A-Za-z0-9_.-]{0,252})") || alias.contains(",")) {
				throw new InvalidParameterException("invalid network alias \"" + alias + "\"");
			}
		}
		Set<String> used = new HashSet<>();
		this.endpoints.findByNetworkId(n.id()).forEach((e) -> used.add(e.address()));
		String address;
		if (ipv4 != null && !ipv4.isEmpty()) {
			if (n.predefined()) {
				throw new InvalidParameterException("user specified IP address is supported on user defined networks "
						+ "only");
			}
			long offset = n.subnet().offsetOf(ipv4);
			if (offset == 0 || offset == n.subnet().size() - 1 || ipv4.equals(n.gateway()) || used.contains(ipv4)) {
				throw new ConflictException("address " + ipv4 + " is already in use on network " + n.name());
			}
			address = ipv4;
		}
		else {
			address = AddressPool.freeAddress(n.subnet(), n.gateway(), used);
		}
		Endpoint e = this.endpoints.save(new Endpoint(RandomIds.next(), containerId, containerName, n.id(),
				address, aliases));
		refreshDns();
		this.events.publish("network", "connect", n.id(),
				Map.of("name", n.name(), "type", "bridge", "container", containerId));
		return attachment(n, e);
	}

	/** Disconnects a container; what it was connected by, for the caller to take down, or empty. */
	public synchronized NetworkAttachment disconnect(String containerId, String ref) {
		NetworkInfo n = find(ref);
		Endpoint e = this.endpoints.findByContainerIdAndNetworkId(containerId, n.id())
			.orElseThrow(() -> new InvalidParameterException("container " + containerId
					+ " is not connected to network " + n.name()));
		NetworkAttachment a = attachment(n, e);
		this.endpoints.delete(e);
		refreshDns();
		this.events.publish("network", "disconnect", n.id(),
				Map.of("name", n.name(), "type", "bridge", "container", containerId));
		return a;
	}

	/**
	 * The container's interfaces for a start: its first network's (made now if it has none yet, as on the default
	 * bridge) as {@code eth0}, then the others it was connected to, in order.
	 */
	public synchronized List<NetworkAttachment> prepareStart(String containerId, String containerName,
			String primary) {
		NetworkInfo first = find(primary);
		if (this.endpoints.findByContainerIdAndNetworkId(containerId, first.id()).isEmpty()) {
			connect(containerId, containerName, first.id(), List.of(), null);
		}
		List<NetworkAttachment> out = new ArrayList<>();
		List<Endpoint> all = new ArrayList<>(this.endpoints.findByContainerIdOrderByCreatedAsc(containerId));
		all.sort((a, b) -> Boolean.compare(!a.networkId().equals(first.id()), !b.networkId().equals(first.id())));
		for (Endpoint e : all) {
			Optional<NetworkInfo> n = byId(e.networkId());
			if (n.isEmpty()) {
				// Its network was removed while the container was stopped.
				this.endpoints.delete(e);
				continue;
			}
			e.setIfname("eth" + out.size());
			this.endpoints.save(e);
			out.add(attachment(n.get(), e));
		}
		return out;
	}

	/** The interface name for one more network on a running container: the lowest {@code ethN} free. */
	public synchronized NetworkAttachment assignInterface(String containerId, String networkId) {
		Set<String> taken = new HashSet<>();
		List<Endpoint> all = this.endpoints.findByContainerIdOrderByCreatedAsc(containerId);
		all.stream().filter((e) -> !e.networkId().equals(networkId)).forEach((e) -> taken.add(e.ifname()));
		Endpoint e = all.stream()
			.filter((x) -> x.networkId().equals(networkId))
			.findFirst()
			.orElseThrow(() -> new NotFoundException("container " + containerId + " is not on network " + networkId));
		int i = 0;
		while (taken.contains("eth" + i)) {
			i++;
		}
		e.setIfname("eth" + i);
		this.endpoints.save(e);
		return attachment(byId(networkId).orElseThrow(), e);
	}

	/** The container's interfaces, in the order they were made. */
	public List<NetworkAttachment> attachments(String containerId) {
		List<NetworkAttachment> out = new ArrayList<>();
		for (Endpoint e : this.endpoints.findByContainerIdOrderByCreatedAsc(containerId)) {
			byId(e.networkId()).ifPresent((n) -> out.add(attachment(n, e)));
		}
		out.sort((a, b) -> compareIfnames(a.ifname(), b.ifname()));
		return out;
	}

	private static int compareIfnames(String a, String b) {
		if (a == null || b == null) {
			return (a == null) ? ((b == null) ? 0 : 1) : -1;
		}
		return Integer.compare(a.length(), b.length()) != 0 ? Integer.compare(a.length(), b.length())
				: a.compareTo(b);
	}

	/** The running containers' interfaces on a network, for its inspect. */
	public List<Map.Entry<String, NetworkAttachment>> runningOn(String networkId) {
		Optional<NetworkInfo> n = byId(networkId);
		if (n.isEmpty()) {
			return List.of();
		}
		List<Map.Entry<String, NetworkAttachment>> out = new ArrayList<>();
		for (Endpoint e : this.endpoints.findByNetworkId(networkId)) {
			if (this.live.containsKey(e.containerId())) {
				out.add(Map.entry(e.containerId(), attachment(n.get(), e)));
			}
		}
		return out;
	}

	/** Forgets a removed container's addresses. */
	public synchronized void release(String containerId) {
		this.endpoints.deleteAll(this.endpoints.findByContainerIdOrderByCreatedAsc(containerId));
		down(containerId);
	}

	/** Follows a container's rename, which changes the name the DNS answers for. */
	public synchronized void rename(String containerId, String name) {
		for (Endpoint e : this.endpoints.findByContainerIdOrderByCreatedAsc(containerId)) {
			e.rename(name);
			this.endpoints.save(e);
		}
		refreshDns();
	}

	/**
	 * A container is running: its ports go into the firewall and, if it is on a user-defined network, the embedded
	 * DNS serves it inside {@code netns}.
	 * @param netns its network namespace, or null when it has none of its own
	 * @param dnsServers its {@code --dns} servers, which the embedded DNS forwards to instead of the host's
	 */
	public synchronized void up(String containerId, Path netns, List<PortRule> ports, List<String> dnsServers) {
		this.live.put(containerId, new Live(netns, List.copyOf(ports), List.copyOf(dnsServers)));
		refreshDns();
		boolean userNetwork = attachments(containerId).stream().anyMatch((a) -> !a.networkId().equals(bridgeNetworkId()));
		if (netns != null && userNetwork) {
			this.dns.open(containerId, netns, dnsServers);
		}
		if (!ports.isEmpty()) {
			applyRules();
		}
	}

	/** A container stopped: its DNS socket closes, which lets its namespace go, and its rules go. */
	public synchronized void down(String containerId) {
		Live was = this.live.remove(containerId);
		this.dns.close(containerId);
		if (was != null) {
			refreshDns();
			if (!was.ports().isEmpty()) {
				applyRules();
			}
		}
	}

	/** Whether the container is on a user-defined network, whose names the embedded DNS answers for. */
	public boolean usesEmbeddedDns(String containerId) {
		return this.endpoints.findByContainerIdOrderByCreatedAsc(containerId)
			.stream()
			.anyMatch((e) -> !e.networkId().equals(bridgeNetworkId()));
	}

	/**
	 * After a daemon restart, once every running container is {@link #up} again: the rules are rewritten from what
	 * is stored, and interfaces a crashed daemon's containers left on this daemon's bridges are removed. Bridges are
	 * left alone: one not in this daemon's store may be another daemon's, and a network's bridge goes with it.
	 */
	public synchronized void reconcile() {
		applyRules();
		Set<String> keep = new HashSet<>();
		Set<String> bridges = new HashSet<>();
		bridges.add(this.properties.bridgeName());
		this.networks.findAll().forEach((n) -> bridges.add(n.bridge()));
		for (String id : this.live.keySet()) {
			this.endpoints.findByContainerIdOrderByCreatedAsc(id).forEach((e) -> keep.add(e.hostVeth()));
		}
		List<Link> all = this.links.list();
		Set<Integer> ours = new HashSet<>();
		for (Link l : all) {
			if (l.kind().equals("bridge") && bridges.contains(l.name())) {
				ours.add(l.index());
			}
		}
		for (Link l : all) {
			if (l.kind().equals("veth") && ours.contains(l.masterIndex()) && l.name().matches("vb[0-9a-f]{13}")
					&& !keep.contains(l.name())) {
				logger.info("removing interface " + l.name() + " left by a container that is no longer running");
				this.links.delete(l.name());
			}
		}
	}

	private Optional<NetworkInfo> byId(String id) {
		if (id.equals(bridgeNetworkId())) {
			return Optional.of(predefined(BRIDGE));
		}
		return this.networks.findById(id).map(NetworkService::info);
	}

	private NetworkAttachment attachment(NetworkInfo n, Endpoint e) {
		return new NetworkAttachment(n.name(), n.id(), e.id(), n.bridge(), e.hostVeth(), e.ifname(), e.address(),
				n.subnet().prefix(), n.gateway(), Ipv4Subnet.macFor(e.address()), e.aliases(), n.internal());
	}

	private void applyRules() {
		List<NatRules.Bridge> bridges = new ArrayList<>();
		bridges.add(new NatRules.Bridge(this.properties.bridgeName(), this.subnet, false));
		this.networks.findAll().forEach((n) -> bridges.add(new NatRules.Bridge(n.bridge(), n.subnet(), n.internal())));
		List<PortRule> ports = new ArrayList<>();
		this.live.values().forEach((l) -> ports.addAll(l.ports()));
		this.nat.apply(bridges, ports);
	}

	private void refreshDns() {
		List<DnsTable.Entry> entries = new ArrayList<>();
		Map<String, Network> byId = new LinkedHashMap<>();
		this.networks.findAll().forEach((n) -> byId.put(n.id(), n));
		for (Network n : byId.values()) {
			for (Endpoint e : this.endpoints.findByNetworkId(n.id())) {
				if (this.live.containsKey(e.containerId())) {
					entries.add(new DnsTable.Entry(e.containerId(), e.containerName(), e.aliases(), n.id(), n.name(),
							e.address()));
				}
			}
		}
		this.dns.update(DnsTable.of(entries));
	}

}
