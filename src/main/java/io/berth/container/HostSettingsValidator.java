package io.berth.container;

import java.util.Set;

import io.berth.error.InvalidParameterException;

/** Refuses limits and options that dockerd refuses, with dockerd's messages, before anything is created. */
final class HostSettingsValidator {

	private static final long MIN_MEMORY = 6L * 1024 * 1024;

	private static final Set<String> ULIMITS = Set.of("as", "core", "cpu", "data", "fsize", "locks", "memlock",
			"msgqueue", "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

	private static final Set<String> RESTART = Set.of("no", "always", "unless-stopped", "on-failure");

	private HostSettingsValidator() {
	}

	static void validate(ContainerSpec.HostSettings h, int cpus) {
		if (h.memory() < 0 || (h.memory() > 0 && h.memory() < MIN_MEMORY)) {
			throw new InvalidParameterException("Minimum memory limit allowed is 6MB");
		}
		if (h.memorySwap() > 0 && h.memory() == 0) {
			throw new InvalidParameterException(
					"You should always set the Memory limit when using Memoryswap limit, see usage");
		}
		if (h.memorySwap() > 0 && h.memorySwap() < h.memory()) {
			throw new InvalidParameterException(
					"Minimum memoryswap limit should be larger than memory limit, see usage");
		}
		if (h.memorySwap() < -1) {
			throw new InvalidParameterException("invalid memory swap limit " + h.memorySwap());
		}
		if (h.nanoCpus() < 0 || (h.nanoCpus() > 0 && (h.nanoCpus() < 10_000_000L || h.nanoCpus() > cpus * 1_000_000_000L))) {
			throw new InvalidParameterException("Range of CPUs is from 0.01 to " + cpus + ".00, as there are only "
					+ cpus + " CPUs available");
		}
		if (h.cpuShares() < 0) {
			throw new InvalidParameterException("invalid CPU shares " + h.cpuShares());
		}
		if (h.cpuQuota() < 0 && h.cpuQuota() != -1 || h.cpuPeriod() < 0
				|| (h.cpuPeriod() > 0 && (h.cpuPeriod() < 1000 || h.cpuPeriod() > 1_000_000))) {
			throw new InvalidParameterException("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s");
		}
		if (h.shmSize() < 0) {
			throw new InvalidParameterException("SHM size can not be less than 0");
		}
		if (h.oomScoreAdj() < -1000 || h.oomScoreAdj() > 1000) {
			throw new InvalidParameterException(
					"Invalid value " + h.oomScoreAdj() + ", range for oom score adj is [-1000, 1000]");
		}
		if (h.pidsLimit() < -1 && h.pidsLimit() != 0) {
			throw new InvalidParameterException("invalid PIDs limit " + h.pidsLimit());
		}
		for (ContainerSpec.Ulimit u : h.ulimits()) {
			if (!ULIMITS.contains(u.name())) {
				throw new InvalidParameterException("invalid ulimit type: " + u.name());
			}
			if (u.soft() > u.hard() && u.hard() >= 0) {
				throw new InvalidParameterException(
						"ulimit soft limit must be less than or equal to hard limit: " + u.soft() + " > " + u.hard());
			}
		}
		if (!RESTART.contains(h.restartPolicy().name())) {
			throw new InvalidParameterException("invalid restart policy '" + h.restartPolicy().name() + "'");
		}
		if (h.restartPolicy().maximumRetryCount() < 0) {
			throw new InvalidParameterException("maximum retry count cannot be negative");
		}
		if (h.autoRemove() && !h.restartPolicy().name().equals("no")) {
			throw new InvalidParameterException("can't create 'AutoRemove' container with restart policy");
		}
		for (String c : h.capAdd()) {
			Capabilities.check(c);
		}
		for (String c : h.capDrop()) {
			Capabilities.check(c);
		}
		String net = h.networkMode();
		boolean joins = net.startsWith("container:");
		if (joins && net.length() == "container:".length()) {
			throw new InvalidParameterException("invalid network mode " + net + ": name the container to join");
		}
		if (joins && (!h.portBindings().isEmpty() || h.publishAllPorts())) {
			throw new InvalidParameterException(
					"conflicting options: port publishing and the container type network mode");
		}
		for (String entry : h.extraHosts()) {
			int colon = entry.indexOf(':');
			String ip = (colon > 0) ? entry.substring(colon + 1) : "";
			if (colon <= 0 || !(ip.equals("host-gateway") || NetworkFiles.isIp(ip))) {
				throw new InvalidParameterException("invalid IP address in add-host: \"" + entry + "\"");
			}
		}
		for (String server : h.dns()) {
			if (!NetworkFiles.isIp(server)) {
				throw new InvalidParameterException("invalid IP address in dns: \"" + server + "\"");
			}
		}
		if (net.equals("none") && (!h.portBindings().isEmpty() || h.publishAllPorts())) {
			throw new InvalidParameterException(
					"conflicting options: port publishing and the container type network mode");
		}
	}

}
