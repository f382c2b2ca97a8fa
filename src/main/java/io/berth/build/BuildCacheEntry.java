package io.berth.build;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One cached step: the key is a digest of the parent image, the step as run and its inputs; the value the image it
 * made. Persisted so that the cache survives a restart; an entry whose image is gone is a miss.
 */
@Entity
@Table(name = "build_cache")
class BuildCacheEntry {

	@Id
	@Column(name = "cache_key", length = 64)
	private String key;

	@Column(name = "image_id", length = 71, nullable = false)
	private String imageId;

	@Column(name = "created", nullable = false)
	private Instant created;

	protected BuildCacheEntry() {
	}

	BuildCacheEntry(String key, String imageId) {
		this.key = key;
		this.imageId = imageId;
		this.created = Instant.now();
	}

	String imageId() {
		return this.imageId;
	}

}
