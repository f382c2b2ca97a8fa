package io.berth.network;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import io.berth.content.Digest;
import io.berth.error.UnavailableException;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The default {@code bridge} network: addresses for containers on it, lowest free first, what their monitors need
 * to wire them, and the NAT that lets them reach beyond the host. The address of a container is held from its first
 * start until its removal.
 */
@Service
public class NetworkService {

	public static final String BRIDGE = "bridge";

	private final NetworkProperties properties;

	private final Ipv4Subnet subnet;

	private final EndpointRepository endpoints;

	private final NatRules nat;

	NetworkService(NetworkProperties properties, EndpointRepository endpoints, NatRules nat) {
		this.properties = properties;
		this.subnet = properties.subnet();
		this.endpoints = endpoints;
		this.nat = nat;
	}

	/** A stable ID for the default bridge network, derived from its bridge so it survives restarts. */
	public String bridgeNetworkId() {
		return Digest.of(("berth-network/" + this.properties.bridgeName()).getBytes(StandardCharsets.UTF_8)).hex();
	}

	public String bridgeName() {
		return this.properties.bridgeName();
	}

	public Ipv4Subnet bridgeSubnet() {
		return this.subnet;
	}

	/**
	 * The container's interface on the default bridge, allocating an address the first time.
	 * @throws UnavailableException when the subnet has no free address
	 */
	@Transactional
	public synchronized NetworkAttachment attach(String containerId) {
		this.nat.ensure(this.properties.bridgeName(), this.subnet);
		Endpoint e = this.endpoints.findById(containerId).orElseGet(() -> allocate(containerId));
		return attachment(e);
	}

	/** The container's interface, if it has an address. */
	public Optional<NetworkAttachment> attachment(String containerId) {
		return this.endpoints.findById(containerId).map(this::attachment);
	}

	/** Gives the container's address back; nothing happens for a container without one. */
	@Transactional
	public synchronized void release(String containerId) {
		this.endpoints.findById(containerId).ifPresent(this.endpoints::delete);
	}

	private Endpoint allocate(String containerId) {
		Set<String> used = new HashSet<>();
		this.endpoints.findByNetwork(BRIDGE).forEach((e) -> used.add(e.address()));
		// Offset 0 is the network, 1 the bridge, the last the broadcast address.
		for (long offset = 2; offset < this.subnet.size() - 1; offset++) {
			String candidate = this.subnet.address(offset);
			if (!used.contains(candidate)) {
				return this.endpoints.save(new Endpoint(containerId, BRIDGE, candidate));
			}
		}
		throw new UnavailableException("no free address left in the bridge network's subnet " + this.subnet);
	}

	private NetworkAttachment attachment(Endpoint e) {
		return new NetworkAttachment(BRIDGE, bridgeNetworkId(), this.properties.bridgeName(),
				"vb" + e.containerId().substring(0, 11), e.address(), this.subnet.prefix(), this.subnet.gateway(),
				Ipv4Subnet.macFor(e.address()));
	}

}
