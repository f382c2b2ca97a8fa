package io.berth.build;

import java.util.Optional;

import io.berth.content.Digest;
import io.berth.image.ImageLookup;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;

/**
 * The classic builder's layer cache: a step is reused when its parent image, the step as it runs, and its inputs
 * (for COPY and ADD, a digest of the files' names, modes and contents) are the same as those of an earlier step
 * whose image still exists.
 */
@Component
class BuildCache {

	private final BuildCacheRepository entries;

	private final ImageLookup images;

	BuildCache(BuildCacheRepository entries, ImageLookup images) {
		this.entries = entries;
		this.images = images;
	}

	/** The key of a step: what it starts from, what it does, and what it reads. */
	static String key(String parentImageId, String step, String inputs) {
		return Digest.of(parentImageId + "\n" + step + "\n" + inputs).hex();
	}

	Optional<String> find(String key) {
		return this.entries.findById(key).map(BuildCacheEntry::imageId).filter(this::exists);
	}

	void put(String key, String imageId) {
		try {
			this.entries.save(new BuildCacheEntry(key, imageId));
		}
		catch (DataIntegrityViolationException ex) {
			// A concurrent build cached the same step first.
		}
	}

	private boolean exists(String imageId) {
		try {
			this.images.resolve(imageId);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

}
