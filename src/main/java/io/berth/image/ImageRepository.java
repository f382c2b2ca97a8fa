package io.berth.image;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

/** Image rows; used only inside the image package. */
interface ImageRepository extends JpaRepository<Image, String> {

	List<Image> findByIdStartingWith(String prefix);

	@Query("select count(i) from Image i join i.layers l where l = :diffId")
	long countUsingLayer(@Param("diffId") String diffId);

	@Query("select i from Image i join i.repoDigests d where d = :reference")
	List<Image> findByRepoDigest(@Param("reference") String reference);

}
