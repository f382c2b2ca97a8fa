package io.berth.container;

import java.util.List;

/**
 * A network a container is to be on, from {@code NetworkingConfig.EndpointsConfig} at create or from
 * {@code network connect}.
 *
 * @param network the network's name or ID
 * @param aliases network-scoped names the embedded DNS answers for ({@code --network-alias}, compose's service)
 * @param ipv4 a fixed address ({@code --ip}), or null for the next free one
 */
public record EndpointRequest(String network, List<String> aliases, String ipv4) {

	public EndpointRequest {
		aliases = (aliases == null) ? List.of() : List.copyOf(aliases);
		ipv4 = (ipv4 == null || ipv4.isEmpty()) ? null : ipv4;
	}

}
