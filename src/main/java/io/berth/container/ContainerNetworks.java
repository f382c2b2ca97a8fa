package io.berth.container;

import java.util.ArrayList;
import java.util.List;

import io.berth.error.InvalidParameterException;
import io.berth.network.NetworkAttachment;
import io.berth.network.NetworkInfo;
import io.berth.network.NetworkService;
import io.berth.runtime.MonitorClient;
import io.berth.runtime.RuntimeCommandException;

import org.springframework.stereotype.Service;

/**
 * {@code docker network connect} and {@code disconnect}: the endpoint is recorded, and a running container's
 * monitor adds or removes the interface in its namespace at once.
 */
@Service
public class ContainerNetworks {

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final NetworkService networks;

	private final MonitorClient monitors;

	ContainerNetworks(ContainerService containers, ContainerLifecycle lifecycle, NetworkService networks,
			MonitorClient monitors) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.networks = networks;
		this.monitors = monitors;
	}

	/**
	 * The endpoints to make at create: the network named by the mode (the default bridge's is made at the first
	 * start, unless an alias or address asks for the refusal dockerd gives), and any others the request names.
	 * @throws io.berth.error.NotFoundException for an unknown network
	 */
	static List<EndpointRequest> endpointsAtCreate(String mode, List<EndpointRequest> requested,
			NetworkService networks) {
		if (!joinsNetworks(mode)) {
			return List.of();
		}
		NetworkInfo primary = networks.find(mode);
		List<EndpointRequest> out = new ArrayList<>();
		EndpointRequest forPrimary = new EndpointRequest(primary.id(), List.of(), null);
		for (EndpointRequest r : requested) {
			// The CLI names the default network "default" when no --network is given.
			NetworkInfo n = networks.find(r.network().equals("default") ? NetworkService.BRIDGE : r.network());
			if (n.id().equals(primary.id())) {
				forPrimary = new EndpointRequest(primary.id(), r.aliases(), r.ipv4());
			}
			else if (n.isBridge()) {
				out.add(new EndpointRequest(n.id(), r.aliases(), r.ipv4()));
			}
		}
		if (!primary.predefined() || !forPrimary.aliases().isEmpty() || forPrimary.ipv4() != null) {
			out.add(0, forPrimary);
		}
		return out;
	}

	/** Whether the mode puts the container on a bridge network of its own, rather than host, none or another's. */
	static boolean joinsNetworks(String mode) {
		return !mode.equals("host") && !mode.equals("none") && !mode.startsWith("container:");
	}

	public void connect(String containerRef, String networkRef, EndpointRequest endpoint) {
		Container c = this.containers.get(containerRef);
		synchronized (this.lifecycle.lock(c.getId())) {
			c = this.containers.get(c.getId());
			String mode = this.containers.networkMode(c);
			if (!joinsNetworks(mode)) {
				throw new InvalidParameterException("container sharing network namespace with another container or "
						+ "host cannot be connected to any other network");
			}
			NetworkAttachment a = this.networks.connect(c.getId(), c.getName(), networkRef, endpoint.aliases(),
					endpoint.ipv4());
			if (c.getState().isActive()) {
				NetworkAttachment placed = this.networks.assignInterface(c.getId(), a.networkId());
				try {
					this.monitors.request(this.lifecycle.monitorSocket(c), "NET-ATTACH " + placed.monitorSpec(
							!placed.internal()));
				}
				catch (RuntimeCommandException ex) {
					this.networks.disconnect(c.getId(), a.networkId());
					throw ex;
				}
			}
		}
	}

	public void disconnect(String containerRef, String networkRef) {
		Container c = this.containers.get(containerRef);
		synchronized (this.lifecycle.lock(c.getId())) {
			c = this.containers.get(c.getId());
			NetworkAttachment a = this.networks.disconnect(c.getId(), networkRef);
			if (c.getState().isActive()) {
				this.monitors.request(this.lifecycle.monitorSocket(c), "NET-DETACH " + a.hostVeth());
			}
		}
	}

}
