package io.berth.image;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

/** Tag rows; used only inside the image package. */
interface ImageTagRepository extends JpaRepository<ImageTag, String> {

	List<ImageTag> findByImageId(String imageId);

}
