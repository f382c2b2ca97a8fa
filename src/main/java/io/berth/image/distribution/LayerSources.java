package io.berth.image.distribution;

import java.util.Comparator;
import java.util.List;

import io.berth.content.Digest;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/** Records and looks up where layers live in registries (see {@link LayerSource}). */
@Component
class LayerSources {

	private final LayerSourceRepository repository;

	LayerSources(LayerSourceRepository repository) {
		this.repository = repository;
	}

	void record(Digest diffId, Descriptor blob, String registry, String repositoryPath) {
		if (this.repository.existsByDiffIdAndBlobDigestAndRegistryAndRepository(diffId.value(), blob.digest().value(),
				registry, repositoryPath)) {
			return;
		}
		try {
			this.repository.save(new LayerSource(diffId.value(), blob.digest().value(), blob.mediaType(),
					Math.max(blob.size(), 0), registry, repositoryPath));
		}
		catch (DataIntegrityViolationException ex) {
			// A concurrent pull recorded the same row first.
		}
	}

	/** Known blobs of a layer in one registry: those of {@code preferredRepository} first, then the newest. */
	List<LayerSource> find(Digest diffId, String registry, String preferredRepository) {
		// The preferred repository first, then the latest recorded: the blob of the pull or push just done.
		Comparator<LayerSource> order = Comparator.comparing((LayerSource s) -> !s.repository()
			.equals(preferredRepository)).thenComparing(LayerSource::id, Comparator.reverseOrder());
		return this.repository.findByDiffIdAndRegistry(diffId.value(), registry).stream().sorted(order).toList();
	}

}
