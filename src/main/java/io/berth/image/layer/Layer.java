package io.berth.image.layer;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An unpacked layer, stored once however many images share it. Whether it is still needed is derived from the images
 * that list its diff ID, so no reference count can drift.
 */
@Entity
@Table(name = "layers")
public class Layer {

	@Id
	@Column(name = "diff_id", length = 71)
	private String diffId;

	@Column(name = "content_size", nullable = false)
	private long size;

	@Column(name = "tar_size", nullable = false)
	private long tarSize;

	@Column(name = "created", nullable = false)
	private Instant created;

	protected Layer() {
	}

	Layer(String diffId, long size, long tarSize, Instant created) {
		this.diffId = diffId;
		this.size = size;
		this.tarSize = tarSize;
		this.created = created;
	}

	public String diffId() {
		return this.diffId;
	}

	/** Bytes of file content, which Docker reports as the layer's size. */
	public long size() {
		return this.size;
	}

	/** Bytes of the uncompressed tar, whose sha256 is the diff ID. */
	public long tarSize() {
		return this.tarSize;
	}

	public Instant created() {
		return this.created;
	}

}
