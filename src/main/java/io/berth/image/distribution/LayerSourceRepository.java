package io.berth.image.distribution;

import java.util.List;

import org.springframework.data.jpa.repository.JpaRepository;

interface LayerSourceRepository extends JpaRepository<LayerSource, Long> {

	List<LayerSource> findByDiffIdAndRegistry(String diffId, String registry);

	boolean existsByDiffIdAndBlobDigestAndRegistryAndRepository(String diffId, String blobDigest, String registry,
			String repository);

}
