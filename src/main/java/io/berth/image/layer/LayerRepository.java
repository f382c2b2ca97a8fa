package io.berth.image.layer;

import org.springframework.data.jpa.repository.JpaRepository;

/** Layer rows; used only by {@link LayerStore}. */
interface LayerRepository extends JpaRepository<Layer, String> {

}
