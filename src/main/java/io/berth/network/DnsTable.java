package io.berth.network;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the embedded DNS knows at one moment: for each user-defined network, the names of the running containers on
 * it (container name, short ID and aliases) and their addresses there. A container is answered only from networks
 * it is on itself, which is what keeps networks apart by name as the firewall keeps them apart by packet. The table
 * is immutable and replaced whole when a container or network changes, so lookups take no lock.
 */
final class DnsTable {

	static final DnsTable EMPTY = new DnsTable(Map.of(), Map.of());

	/** A running container's endpoint on a user-defined network. */
	record Entry(String containerId, String containerName, List<String> aliases, String networkId,
			String networkName, String address) {
	}

	private record Zone(String name, Map<String, List<String>> addresses, Map<String, String> names) {
	}

	private final Map<String, List<String>> networksOf;

	private final Map<String, Zone> zones;

	private DnsTable(Map<String, List<String>> networksOf, Map<String, Zone> zones) {
		this.networksOf = networksOf;
		this.zones = zones;
	}

	static DnsTable of(List<Entry> entries) {
		Map<String, List<String>> networksOf = new HashMap<>();
		Map<String, Zone> zones = new LinkedHashMap<>();
		for (Entry e : entries) {
			networksOf.computeIfAbsent(e.containerId(), (k) -> new ArrayList<>()).add(e.networkId());
			Zone z = zones.computeIfAbsent(e.networkId(),
					(k) -> new Zone(e.networkName(), new HashMap<>(), new HashMap<>()));
			List<String> names = new ArrayList<>();
			names.add(e.containerName());
			names.add(e.containerId().substring(0, 12));
			names.addAll(e.aliases());
			for (String n : names) {
				List<String> addresses = z.addresses().computeIfAbsent(n.toLowerCase(Locale.ROOT),
						(k) -> new ArrayList<>());
				if (!addresses.contains(e.address())) {
					addresses.add(e.address());
				}
			}
			z.names().putIfAbsent(e.address(), e.containerName());
		}
		return new DnsTable(networksOf, zones);
	}

	/**
	 * The addresses of a name as the container sees it, or null when the name is none of its networks' (and so is
	 * for the upstream resolvers). {@code web.mynet} names {@code web} on {@code mynet} only.
	 */
	List<String> lookup(String containerId, String name) {
		String n = name.toLowerCase(Locale.ROOT);
		if (n.endsWith(".")) {
			n = n.substring(0, n.length() - 1);
		}
		List<String> found = new ArrayList<>();
		boolean known = false;
		for (String networkId : this.networksOf.getOrDefault(containerId, List.of())) {
			Zone z = this.zones.get(networkId);
			String suffix = "." + z.name().toLowerCase(Locale.ROOT);
			String key = n.endsWith(suffix) ? n.substring(0, n.length() - suffix.length()) : n;
			List<String> addresses = z.addresses().get(key);
			if (addresses != null) {
				known = true;
				addresses.stream().filter((a) -> !found.contains(a)).forEach(found::add);
			}
		}
		return known ? found : null;
	}

	/** The container name at an address on one of the container's networks, or null. */
	String reverse(String containerId, String address) {
		for (String networkId : this.networksOf.getOrDefault(containerId, List.of())) {
			Zone z = this.zones.get(networkId);
			String name = z.names().get(address);
			if (name != null) {
				return name + "." + z.name();
			}
		}
		return null;
	}

}
