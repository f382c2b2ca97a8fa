package io.berth.container;

/**
 * A port published while a container runs, with the host port chosen if it was left to the engine.
 *
 * @param containerPort the port inside the container
 * @param protocol {@code tcp}
 * @param hostIp the host address listened on
 * @param hostPort the host port
 */
public record PublishedPort(int containerPort, String protocol, String hostIp, int hostPort) {

	/** The {@code 80/tcp} key Docker uses. */
	public String key() {
		return this.containerPort + "/" + this.protocol;
	}

	/** The monitor's {@code --publish} value for a container at {@code containerIp}. */
	String monitorSpec(String containerIp) {
		return this.protocol + ":" + this.hostIp + ":" + this.hostPort + ":" + containerIp + ":" + this.containerPort;
	}

}
