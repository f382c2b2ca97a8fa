package io.berth.container;

/** A container's lifecycle states, with the names Docker shows for them. */
public enum ContainerState {

	CREATED("created"), RUNNING("running"), PAUSED("paused"), RESTARTING("restarting"), REMOVING("removing"),
	EXITED("exited"), DEAD("dead");

	private final String dockerName;

	ContainerState(String dockerName) {
		this.dockerName = dockerName;
	}

	public String dockerName() {
		return this.dockerName;
	}

	/** Whether a monitor (and so a process) exists for the container. */
	public boolean isActive() {
		return this == RUNNING || this == PAUSED;
	}

}
