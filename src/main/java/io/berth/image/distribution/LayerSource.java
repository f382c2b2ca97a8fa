package io.berth.image.distribution;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/**
 * Where a layer is known to live in compressed form: its blob digest in a repository of a registry. A push asks
 * the registry about these digests before compressing and uploading the layer again, and mounts them across
 * repositories of the same registry, as dockerd's v2 metadata service does. A row is a hint that the registry
 * confirms or denies, so a stale one costs one HEAD request.
 */
@Entity
@Table(name = "layer_sources", indexes = @Index(name = "layer_sources_diff_id", columnList = "diff_id"),
		uniqueConstraints = @UniqueConstraint(columnNames = { "diff_id", "blob_digest", "registry", "repository" }))
class LayerSource {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	@Column(name = "diff_id", length = 71, nullable = false)
	private String diffId;

	@Column(name = "blob_digest", length = 71, nullable = false)
	private String blobDigest;

	@Column(name = "media_type", length = 255, nullable = false)
	private String mediaType;

	@Column(name = "blob_size", nullable = false)
	private long size;

	@Column(name = "registry", length = 255, nullable = false)
	private String registry;

	@Column(name = "repository", length = 255, nullable = false)
	private String repository;

	@Column(name = "recorded", nullable = false)
	private Instant recorded;

	protected LayerSource() {
	}

	LayerSource(String diffId, String blobDigest, String mediaType, long size, String registry, String repository) {
		this.diffId = diffId;
		this.blobDigest = blobDigest;
		this.mediaType = mediaType;
		this.size = size;
		this.registry = registry;
		this.repository = repository;
		this.recorded = Instant.now();
	}

	String diffId() {
		return this.diffId;
	}

	String blobDigest() {
		return this.blobDigest;
	}

	String mediaType() {
		return this.mediaType;
	}

	long size() {
		return this.size;
	}

	String registry() {
		return this.registry;
	}

	Long id() {
		return this.id;
	}

	String repository() {
		return this.repository;
	}

}
