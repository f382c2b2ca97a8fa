package io.berth.image;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A {@code repository:tag} naming one image; the familiar form ({@code busybox:latest}) is the key. */
@Entity
@Table(name = "image_tags")
class ImageTag {

	@Id
	@Column(name = "reference", length = 512)
	private String reference;

	@Column(name = "repository", length = 512, nullable = false)
	private String repository;

	@Column(name = "tag", length = 128, nullable = false)
	private String tag;

	@Column(name = "image_id", length = 71, nullable = false)
	private String imageId;

	@Column(name = "created", nullable = false)
	private Instant created;

	protected ImageTag() {
	}

	ImageTag(ImageReference ref, String imageId, Instant created) {
		this.reference = ref.familiarString();
		this.repository = ref.familiarName();
		this.tag = ref.tag();
		this.imageId = imageId;
		this.created = created;
	}

	/** Moves this tag to another image. */
	void pointTo(String newImageId, Instant when) {
		this.imageId = newImageId;
		this.created = when;
	}

	String reference() {
		return this.reference;
	}

	String repository() {
		return this.repository;
	}

	String tag() {
		return this.tag;
	}

	String imageId() {
		return this.imageId;
	}

	ImageReference parsed() {
		return ImageReference.parse(this.reference);
	}

}
