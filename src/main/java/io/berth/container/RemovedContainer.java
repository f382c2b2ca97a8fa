package io.berth.container;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/**
 * What is kept of a removed container while its log is retained: its names, its final state and its last inspect
 * document, so the dashboard can still show how it ended.
 */
@Entity
@Table(name = "removed_containers")
public class RemovedContainer {

	@Id
	@Column(length = 64)
	private String id;

	private String name;

	private String image;

	private Instant created;

	private Instant finishedAt;

	private int exitCode;

	private boolean oomKilled;

	@Column(nullable = false)
	private Instant removedAt;

	@Lob
	private String inspect;

	@Lob
	private String labels;

	protected RemovedContainer() {
	}

	RemovedContainer(Container c, String inspect, String labels, Instant removedAt) {
		this.id = c.getId();
		this.name = c.getName();
		this.image = c.getImage();
		this.created = c.getCreated();
		this.finishedAt = c.getFinishedAt();
		this.exitCode = c.getExitCode();
		this.oomKilled = c.isOomKilled();
		this.inspect = inspect;
		this.labels = labels;
		this.removedAt = removedAt;
	}

	public String getId() {
		return this.id;
	}

	public String getName() {
		return this.name;
	}

	public String getImage() {
		return this.image;
	}

	public Instant getCreated() {
		return this.created;
	}

	public Instant getFinishedAt() {
		return this.finishedAt;
	}

	public int getExitCode() {
		return this.exitCode;
	}

	public boolean isOomKilled() {
		return this.oomKilled;
	}

	public Instant getRemovedAt() {
		return this.removedAt;
	}

	/** Docker's inspect document as it was just before removal, as JSON. */
	public String getInspect() {
		return this.inspect;
	}

	/** The container's labels as a JSON object. */
	public String getLabels() {
		return this.labels;
	}

}
