package io.berth.network;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface EndpointRepository extends JpaRepository<Endpoint, String> {

	List<Endpoint> findByNetwork(String network);

}
