package io.berth.container;

import java.util.List;
import java.util.Optional;

import org.springframework.data.jpa.repository.JpaRepository;

interface ContainerRepository extends JpaRepository<Container, String> {

	Optional<Container> findByName(String name);

	List<Container> findByIdStartingWith(String prefix);

	List<Container> findByStateIn(List<ContainerState> states);

	List<Container> findByImageId(String imageId);

	List<Container> findAllByOrderByCreatedDesc();

}
