package io.berth.container;

import java.util.List;
import java.util.Map;

/**
 * What a container is created with, in the engine's terms (the API layer maps Docker's {@code Config} and
 * {@code HostConfig} onto it). Null means "not given" for the fields where the image supplies a default.
 *
 * @param entrypoint null to use the image's; an empty list resets it
 * @param cmd null or empty to use the image's
 */
public record ContainerSpec(String image, List<String> entrypoint, List<String> cmd, List<String> env,
		String workingDir, String user, String hostname, String domainname, boolean tty, boolean openStdin,
		boolean stdinOnce, Map<String, String> labels, String stopSignal, Integer stopTimeout, HostSettings host) {

	public ContainerSpec {
		env = (env != null) ? List.copyOf(env) : List.of();
		labels = (labels != null) ? Map.copyOf(labels) : Map.of();
		workingDir = (workingDir != null) ? workingDir : "";
		user = (user != null) ? user : "";
		hostname = (hostname != null) ? hostname : "";
		domainname = (domainname != null) ? domainname : "";
		stopSignal = (stopSignal != null) ? stopSignal : "";
	}

	/** Docker's {@code HostConfig}, in the parts the engine acts on. */
	public record HostSettings(List<String> binds, Map<String, String> tmpfs, long memory, long memorySwap,
			long nanoCpus, long cpuShares, long cpuQuota, long cpuPeriod, String cpusetCpus, long pidsLimit,
			List<Ulimit> ulimits, List<String> capAdd, List<String> capDrop, boolean privileged,
			boolean readonlyRootfs, String networkMode, RestartPolicy restartPolicy, boolean autoRemove,
			List<Integer> consoleSize, long shmSize, int oomScoreAdj, List<String> securityOpt,
			List<PortBinding> portBindings, boolean publishAllPorts, List<String> extraHosts, List<String> dns,
			List<String> dnsSearch, List<String> dnsOptions) {

		public HostSettings {
			binds = (binds != null) ? List.copyOf(binds) : List.of();
			tmpfs = (tmpfs != null) ? Map.copyOf(tmpfs) : Map.of();
			ulimits = (ulimits != null) ? List.copyOf(ulimits) : List.of();
			capAdd = (capAdd != null) ? List.copyOf(capAdd) : List.of();
			capDrop = (capDrop != null) ? List.copyOf(capDrop) : List.of();
			networkMode = (networkMode == null || networkMode.isEmpty() || networkMode.equals("default")) ? "bridge"
					: networkMode;
			restartPolicy = (restartPolicy != null) ? restartPolicy : RestartPolicy.NO;
			consoleSize = (consoleSize != null) ? List.copyOf(consoleSize) : List.of();
			securityOpt = (securityOpt != null) ? List.copyOf(securityOpt) : List.of();
			portBindings = (portBindings != null) ? List.copyOf(portBindings) : List.of();
			extraHosts = (extraHosts != null) ? List.copyOf(extraHosts) : List.of();
			dns = (dns != null) ? List.copyOf(dns) : List.of();
			dnsSearch = (dnsSearch != null) ? List.copyOf(dnsSearch) : List.of();
			dnsOptions = (dnsOptions != null) ? List.copyOf(dnsOptions) : List.of();
		}

	}

	/** One {@code --ulimit}: a resource name such as {@code nofile} and its soft and hard limits. */
	public record Ulimit(String name, long soft, long hard) {
	}

	/** {@code --restart}: no, always, unless-stopped, or on-failure with an optional retry limit. */
	public record RestartPolicy(String name, int maximumRetryCount) {

		public static final RestartPolicy NO = new RestartPolicy("no", 0);

		public RestartPolicy {
			name = (name == null || name.isEmpty()) ? "no" : name;
		}

	}

}
