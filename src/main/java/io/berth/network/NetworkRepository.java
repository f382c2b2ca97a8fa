package io.berth.network;

import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

interface NetworkRepository extends JpaRepository<Network, String> {

	Optional<Network> findByName(String name);

}
