package io.berth.container;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Lob;
import jakarta.persistence.Table;

/**
 * A container as the engine stores it: what it was created with (Docker's {@code Config} and {@code HostConfig}
 * documents, kept as sent so inspect can return them) and its state. State changes only through the methods here.
 */
@Entity
@Table(name = "containers")
public class Container {

	@Id
	@Column(length = 64)
	private String id;

	@Column(unique = true, nullable = false)
	private String name;

	private String image;

	private String imageId;

	private Instant created;

	@Lob
	private String config;

	@Lob
	private String hostConfig;

	/** The resolved command: entrypoint and cmd joined, as a JSON array. */
	@Lob
	private String args;

	/** The resolved mounts ({@link MountPlan}s) as a JSON array. */
	@Lob
	private String mounts;

	@Enumerated(EnumType.STRING)
	private ContainerState state;

	/** The ports published while it runs ({@link PublishedPort}s) as a JSON array; null when it does not. */
	@Lob
	private String publishedPorts;

	private int pid;

	private int exitCode;

	private boolean oomKilled;

	private Instant startedAt;

	private Instant finishedAt;

	private int restartCount;

	private String error;

	/** Set by stop, kill and restart, so restart policies know the exit was asked for. */
	private boolean stoppedByUser;

	protected Container() {
	}

	Container(String id, String name, String image, String imageId, String config, String hostConfig, String args,
			String mounts) {
		this.id = id;
		this.name = name;
		this.image = image;
		this.imageId = imageId;
		this.config = config;
		this.hostConfig = hostConfig;
		this.args = args;
		this.mounts = mounts;
		this.created = Instant.now();
		this.state = ContainerState.CREATED;
		this.error = "";
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

	public String getImageId() {
		return this.imageId;
	}

	public Instant getCreated() {
		return this.created;
	}

	public String getConfig() {
		return this.config;
	}

	public String getHostConfig() {
		return this.hostConfig;
	}

	public String getArgs() {
		return this.args;
	}

	public String getMounts() {
		return this.mounts;
	}

	public ContainerState getState() {
		return this.state;
	}

	public int getPid() {
		return this.pid;
	}

	public int getExitCode() {
		return this.exitCode;
	}

	public boolean isOomKilled() {
		return this.oomKilled;
	}

	public Instant getStartedAt() {
		return this.startedAt;
	}

	public Instant getFinishedAt() {
		return this.finishedAt;
	}

	public int getRestartCount() {
		return this.restartCount;
	}

	public String getError() {
		return this.error;
	}

	boolean isStoppedByUser() {
		return this.stoppedByUser;
	}

	void rename(String newName) {
		this.name = newName;
	}

	String getPublishedPorts() {
		return this.publishedPorts;
	}

	void started(int pid, Instant at, String publishedPorts) {
		this.publishedPorts = publishedPorts;
		this.state = ContainerState.RUNNING;
		this.pid = pid;
		this.startedAt = at;
		this.exitCode = 0;
		this.oomKilled = false;
		this.error = "";
		this.stoppedByUser = false;
	}

	void failedToStart(String message, int exitCode) {
		this.publishedPorts = null;
		this.state = (this.startedAt == null) ? ContainerState.CREATED : ContainerState.EXITED;
		this.error = message;
		this.exitCode = exitCode;
		this.pid = 0;
	}

	void exited(int exitCode, boolean oomKilled, Instant at) {
		this.publishedPorts = null;
		this.state = ContainerState.EXITED;
		this.pid = 0;
		this.exitCode = exitCode;
		this.oomKilled = oomKilled;
		this.finishedAt = at;
	}

	void paused() {
		this.state = ContainerState.PAUSED;
	}

	void unpaused() {
		this.state = ContainerState.RUNNING;
	}

	void restarting() {
		this.state = ContainerState.RESTARTING;
		this.restartCount++;
	}

	void removing() {
		this.state = ContainerState.REMOVING;
	}

	void stopRequested() {
		this.stoppedByUser = true;
	}

	void resetRestartCount() {
		this.restartCount = 0;
	}

}
