package io.berth.network;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/** A user-defined bridge network; the predefined {@code bridge}, {@code host} and {@code none} are not stored. */
@Entity
@Table(name = "networks")
class Network {

	@Id
	@Column(name = "id", length = 64)
	private String id;

	@Column(name = "name", length = 128, nullable = false, unique = true)
	private String name;

	@Column(name = "bridge", length = 15, nullable = false, unique = true)
	private String bridge;

	@Column(name = "subnet", length = 18, nullable = false)
	private String subnet;

	@Column(name = "gateway", length = 15, nullable = false)
	private String gateway;

	@Column(name = "internal", nullable = false)
	private boolean internal;

	@Column(name = "attachable", nullable = false)
	private boolean attachable;

	/** Labels and driver options as JSON objects; they are only ever shown back. */
	@Lob
	@Column(name = "labels")
	private String labels;

	@Lob
	@Column(name = "options")
	private String options;

	@Column(name = "created", nullable = false)
	private Instant created;

	protected Network() {
	}

	Network(String id, String name, String bridge, Ipv4Subnet subnet, String gateway, boolean internal,
			boolean attachable, String labels, String options) {
		this.id = id;
		this.name = name;
		this.bridge = bridge;
		this.subnet = subnet.toString();
		this.gateway = gateway;
		this.internal = internal;
		this.attachable = attachable;
		this.labels = labels;
		this.options = options;
		this.created = Instant.now();
	}

	String id() {
		return this.id;
	}

	String name() {
		return this.name;
	}

	String bridge() {
		return this.bridge;
	}

	Ipv4Subnet subnet() {
		return Ipv4Subnet.parse(this.subnet);
	}

	String gateway() {
		return this.gateway;
	}

	boolean internal() {
		return this.internal;
	}

	boolean attachable() {
		return this.attachable;
	}

	String labels() {
		return this.labels;
	}

	String options() {
		return this.options;
	}

	Instant created() {
		return this.created;
	}

}
