package io.berth.network;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/**
 * A container's place on a network: its address, held from its first start until it is removed, so that a restart,
 * or a daemon restart, keeps it. The unique constraint makes a double allocation fail instead of happen.
 */
@Entity
@Table(name = "network_endpoints", uniqueConstraints = @UniqueConstraint(columnNames = { "network", "address" }))
class Endpoint {

	@Id
	@Column(name = "container_id", length = 64)
	private String containerId;

	@Column(name = "network", length = 64, nullable = false)
	private String network;

	@Column(name = "address", length = 15, nullable = false)
	private String address;

	@Column(name = "created", nullable = false)
	private Instant created;

	protected Endpoint() {
	}

	Endpoint(String containerId, String network, String address) {
		this.containerId = containerId;
		this.network = network;
		this.address = address;
		this.created = Instant.now();
	}

	String containerId() {
		return this.containerId;
	}

	String network() {
		return this.network;
	}

	String address() {
		return this.address;
	}

}
