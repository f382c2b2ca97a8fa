package io.berth.volume;

import java.time.Instant;
import java.util.Map;

import io.berth.persistence.JsonStringMapConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A volume as recorded: its data lives in {@code volumes/<name>/_data}, which is derived, not stored. */
@Entity
@Table(name = "volume")
class Volume {

	@Id
	@Column(length = 255)
	private String name = "";

	@Column(nullable = false, length = 64)
	private String driver = VolumeService.LOCAL;

	@Convert(converter = JsonStringMapConverter.class)
	@Column(nullable = false, length = 1_000_000)
	private Map<String, String> labels = Map.of();

	@Convert(converter = JsonStringMapConverter.class)
	@Column(nullable = false, length = 100_000)
	private Map<String, String> options = Map.of();

	@Column(name = "created_at", nullable = false)
	private Instant createdAt = Instant.EPOCH;

	@Column(nullable = false)
	private boolean anonymous;

	protected Volume() {
	}

	Volume(String name, Map<String, String> labels, Map<String, String> options, Instant createdAt,
			boolean anonymous) {
		this.name = name;
		this.labels = Map.copyOf(labels);
		this.options = Map.copyOf(options);
		this.createdAt = createdAt;
		this.anonymous = anonymous;
	}

	String name() {
		return this.name;
	}

	String driver() {
		return this.driver;
	}

	Map<String, String> labels() {
		return this.labels;
	}

	Map<String, String> options() {
		return this.options;
	}

	Instant createdAt() {
		return this.createdAt;
	}

	boolean anonymous() {
		return this.anonymous;
	}

}
