package io.berth.network;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

/**
 * A container's place on a network: its address, held from when it is connected (or first started, on the default
 * bridge) until it is disconnected or removed, so that a restart, or a daemon restart, keeps it. The unique
 * constraints make a double allocation or a double connection fail instead of happen.
 */
@Entity
@Table(name = "endpoints", uniqueConstraints = { @UniqueConstraint(columnNames = { "network_id", "address" }),
		@UniqueConstraint(columnNames = { "container_id", "network_id" }) })
class Endpoint {

	@Id
	@Column(name = "id", length = 64)
	private String id;

	@Column(name = "container_id", length = 64, nullable = false)
	private String containerId;

	@Column(name = "network_id", length = 64, nullable = false)
	private String networkId;

	/** The container's name, which the embedded DNS answers for. */
	@Column(name = "container_name", length = 256, nullable = false)
	private String containerName;

	@Column(name = "address", length = 15, nullable = false)
	private String address;

	/** Network-scoped aliases, comma-separated. */
	@Column(name = "aliases", length = 2048)
	private String aliases;

	/** The interface inside the container while it is attached, e.g. {@code eth1}. */
	@Column(name = "ifname", length = 15)
	private String ifname;

	@Column(name = "created", nullable = false)
	private Instant created;

	protected Endpoint() {
	}

	Endpoint(String id, String containerId, String containerName, String networkId, String address,
			List<String> aliases) {
		this.id = id;
		this.containerId = containerId;
		this.containerName = containerName;
		this.networkId = networkId;
		this.address = address;
		this.aliases = aliases.isEmpty() ? null : String.join(",", aliases);
		this.created = Instant.now();
	}

	String id() {
		return this.id;
	}

	String containerId() {
		return this.containerId;
	}

	String containerName() {
		return this.containerName;
	}

	void rename(String name) {
		this.containerName = name;
	}

	String networkId() {
		return this.networkId;
	}

	String address() {
		return this.address;
	}

	List<String> aliases() {
		return (this.aliases == null) ? List.of() : Arrays.asList(this.aliases.split(","));
	}

	String ifname() {
		return this.ifname;
	}

	void setIfname(String ifname) {
		this.ifname = ifname;
	}

	Instant created() {
		return this.created;
	}

	/** The host end of its veth pair: named by the endpoint, so each connection of a container has its own. */
	String hostVeth() {
		return "vb" + this.id.substring(0, 13);
	}

}
