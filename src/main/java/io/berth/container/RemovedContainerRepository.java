package io.berth.container;

import java.time.Instant;
import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface RemovedContainerRepository extends JpaRepository<RemovedContainer, String> {

	List<RemovedContainer> findByRemovedAtBefore(Instant cutoff);

}
