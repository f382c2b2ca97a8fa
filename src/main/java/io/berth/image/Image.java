package io.berth.image;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.berth.content.Digest;
import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Lob;
import jakarta.persistence.OrderColumn;
import jakarta.persistence.Table;

/**
 * An image: its config (whose sha256 is the ID), and the diff IDs of its layers, lowest first. Tags are separate rows
 * ({@link ImageTag}) so one can move between images without touching either.
 */
@Entity
@Table(name = "images")
class Image {

	@Id
	@Column(name = "id", length = 71)
	private String id;

	@Lob
	@Column(name = "config", nullable = false)
	private String config;

	@Column(name = "created", nullable = false)
	private Instant created;

	@Column(name = "content_size", nullable = false)
	private long size;

	@Column(name = "last_tag_time")
	private Instant lastTagTime;

	@ElementCollection(fetch = FetchType.EAGER)
	@CollectionTable(name = "image_layers", joinColumns = @JoinColumn(name = "image_id"))
	@OrderColumn(name = "position")
	@Column(name = "diff_id", length = 71, nullable = false)
	private List<String> layers = new ArrayList<>();

	@ElementCollection(fetch = FetchType.EAGER)
	@CollectionTable(name = "image_repo_digests", joinColumns = @JoinColumn(name = "image_id"))
	@Column(name = "reference", length = 512, nullable = false)
	private Set<String> repoDigests = new HashSet<>();

	protected Image() {
	}

	Image(Digest id, byte[] config, Instant created, long size, List<Digest> layers) {
		this.id = id.value();
		this.config = new String(config, StandardCharsets.UTF_8);
		this.created = created;
		this.size = size;
		layers.forEach((l) -> this.layers.add(l.value()));
	}

	String id() {
		return this.id;
	}

	Digest digest() {
		return Digest.parse(this.id);
	}

	String configText() {
		return this.config;
	}

	ConfigDocument config() {
		return ConfigDocument.parse(this.config.getBytes(StandardCharsets.UTF_8));
	}

	Instant created() {
		return this.created;
	}

	long size() {
		return this.size;
	}

	Instant lastTagTime() {
		return this.lastTagTime;
	}

	void tagged(Instant when) {
		this.lastTagTime = when;
	}

	List<Digest> layers() {
		return this.layers.stream().map(Digest::parse).toList();
	}

	/** {@code name@sha256:...} references from a registry, in familiar form. */
	Set<String> repoDigests() {
		return Set.copyOf(this.repoDigests);
	}

	void addRepoDigest(String reference) {
		this.repoDigests.add(reference);
	}

	void removeRepoDigest(String reference) {
		this.repoDigests.remove(reference);
	}

}
