package io.berth.network;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

interface EndpointRepository extends JpaRepository<Endpoint, String> {

	List<Endpoint> findByNetworkId(String networkId);

	List<Endpoint> findByContainerIdOrderByCreatedAsc(String containerId);

	Optional<Endpoint> findByContainerIdAndNetworkId(String containerId, String networkId);

}
