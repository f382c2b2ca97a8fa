package io.berth.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a container's OCI {@code config.json} with Docker's defaults: one small method per concern (process,
 * capabilities, mounts, resources, namespaces, hardening), as moby's spec options are organised. Pure: every input
 * is resolved before, so the output can be checked as a whole.
 */
final class OciSpecFactory {

	/** Docker's default capability set; CapEff 00000000a80425fb. */
	static final List<String> DEFAULT_CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
			"CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
			"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

	static final List<String> MASKED_PATHS = List.of("/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore",
			"/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
			"/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");

	static final List<String> READONLY_PATHS = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
			"/proc/sysrq-trigger");

	private static final long DEFAULT_SHM = 64L * 1024 * 1024;

	private static final long CFS_PERIOD = 100_000;

	private OciSpecFactory() {
	}

	/** Everything the spec needs, already resolved and validated. */
	record Inputs(String id, List<String> args, List<String> env, String cwd, int uid, int gid, List<Integer> groups,
			String hostname, String domainname, boolean terminal, List<Integer> consoleSize,
			List<String> capabilities, ContainerSpec.HostSettings host, List<MountPlan> mounts, String hostsFile,
			String hostnameFile, String resolvConfFile, String netnsPath, Map<String, Object> seccomp) {
	}

	static Map<String, Object> build(Inputs in) {
		Map<String, Object> spec = new LinkedHashMap<>();
		spec.put("ociVersion", "1.0.2");
		spec.put("process", process(in));
		spec.put("root", Map.of("path", "rootfs", "readonly", in.host().readonlyRootfs()));
		spec.put("hostname", in.hostname());
		if (!in.domainname().isEmpty()) {
			spec.put("domainname", in.domainname());
		}
		spec.put("mounts", mounts(in));
		spec.put("linux", linux(in));
		return spec;
	}

	private static Map<String, Object> process(Inputs in) {
		Map<String, Object> p = new LinkedHashMap<>();
		p.put("terminal", in.terminal());
		if (in.terminal() && in.consoleSize().size() == 2 && in.consoleSize().get(0) > 0) {
			p.put("consoleSize", Map.of("height", in.consoleSize().get(0), "width", in.consoleSize().get(1)));
		}
		Map<String, Object> user = new LinkedHashMap<>();
		user.put("uid", in.uid());
		user.put("gid", in.gid());
		if (!in.groups().isEmpty()) {
			user.put("additionalGids", in.groups());
		}
		p.put("user", user);
		p.put("args", in.args());
		p.put("env", in.env());
		p.put("cwd", in.cwd().isEmpty() ? "/" : in.cwd());
		p.put("capabilities", Map.of("bounding", in.capabilities(), "effective", in.capabilities(), "permitted",
				in.capabilities(), "inheritable", List.of(), "ambient", List.of()));
		List<Map<String, Object>> rlimits = new ArrayList<>();
		for (ContainerSpec.Ulimit u : in.host().ulimits()) {
			rlimits.add(Map.of("type", "RLIMIT_" + u.name().toUpperCase(), "soft", u.soft(), "hard", u.hard()));
		}
		if (!rlimits.isEmpty()) {
			p.put("rlimits", rlimits);
		}
		p.put("noNewPrivileges", in.host().securityOpt().contains("no-new-privileges")
				|| in.host().securityOpt().contains("no-new-privileges:true"));
		p.put("oomScoreAdj", in.host().oomScoreAdj());
		return p;
	}

	private static List<Map<String, Object>> mounts(Inputs in) {
		boolean privileged = in.host().privileged();
		List<Map<String, Object>> m = new ArrayList<>();
		m.add(mount("/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev")));
		m.add(mount("/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k")));
		m.add(mount("/dev/pts", "devpts", "devpts",
				List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")));
		m.add(mount("/sys", "sysfs", "sysfs",
				privileged ? List.of("nosuid", "noexec", "nodev") : List.of("nosuid", "noexec", "nodev", "ro")));
		m.add(mount("/sys/fs/cgroup", "cgroup", "cgroup",
				privileged ? List.of("nosuid", "noexec", "nodev") : List.of("ro", "nosuid", "noexec", "nodev")));
		m.add(mount("/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev")));
		long shm = (in.host().shmSize() > 0) ? in.host().shmSize() : DEFAULT_SHM;
		m.add(mount("/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=" + shm)));
		boolean userEtc = in.mounts().stream().anyMatch((p) -> p.destination().startsWith("/etc/"));
		for (String[] f : new String[][] { { "/etc/resolv.conf", in.resolvConfFile() },
				{ "/etc/hostname", in.hostnameFile() }, { "/etc/hosts", in.hostsFile() } }) {
			String dest = f[0];
			if (!userEtc || in.mounts().stream().noneMatch((p) -> p.destination().equals(dest))) {
				m.add(mount(dest, "bind", f[1], List.of("rbind", "rprivate")));
			}
		}
		for (MountPlan p : in.mounts()) {
			m.add(mount(p.destination(), p.type().equals("tmpfs") ? "tmpfs" : "bind", p.source(), p.options()));
		}
		return m;
	}

	private static Map<String, Object> mount(String destination, String type, String source, List<String> options) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("destination", destination);
		m.put("type", type);
		m.put("source", source);
		m.put("options", options);
		return m;
	}

	private static Map<String, Object> linux(Inputs in) {
		Map<String, Object> l = new LinkedHashMap<>();
		l.put("resources", resources(in.host()));
		l.put("cgroupsPath", "/berth/" + in.id());
		List<Map<String, Object>> ns = new ArrayList<>();
		ns.add(Map.of("type", "mount"));
		ns.add(Map.of("type", "pid"));
		ns.add(Map.of("type", "ipc"));
		ns.add(Map.of("type", "uts"));
		if (in.netnsPath() != null) {
			ns.add(Map.of("type", "network", "path", in.netnsPath()));
		}
		l.put("namespaces", ns);
		if (!in.host().privileged()) {
			l.put("maskedPaths", MASKED_PATHS);
			l.put("readonlyPaths", READONLY_PATHS);
			if (in.seccomp() != null && !in.host().securityOpt().contains("seccomp=unconfined")
					&& !in.host().securityOpt().contains("seccomp:unconfined")) {
				l.put("seccomp", in.seccomp());
			}
		}
		return l;
	}

	private static Map<String, Object> resources(ContainerSpec.HostSettings h) {
		Map<String, Object> r = new LinkedHashMap<>();
		if (h.privileged()) {
			r.put("devices", List.of(Map.of("allow", true, "access", "rwm")));
		}
		else {
			r.put("devices", List.of(Map.of("allow", false, "access", "rwm"),
					Map.of("allow", false, "type", "c", "major", 10, "minor", 229, "access", "rwm")));
		}
		Map<String, Object> memory = new LinkedHashMap<>();
		if (h.memory() > 0) {
			memory.put("limit", h.memory());
			// Docker gives as much swap as memory when --memory-swap is not set.
			long swap = (h.memorySwap() == 0) ? 2 * h.memory() : h.memorySwap();
			memory.put("swap", swap);
		}
		if (!memory.isEmpty()) {
			r.put("memory", memory);
		}
		Map<String, Object> cpu = new LinkedHashMap<>();
		if (h.cpuShares() > 0) {
			cpu.put("shares", h.cpuShares());
		}
		if (h.nanoCpus() > 0) {
			cpu.put("period", CFS_PERIOD);
			cpu.put("quota", h.nanoCpus() * CFS_PERIOD / 1_000_000_000L);
		}
		else if (h.cpuQuota() > 0) {
			cpu.put("period", (h.cpuPeriod() > 0) ? h.cpuPeriod() : CFS_PERIOD);
			cpu.put("quota", h.cpuQuota());
		}
		if (h.cpusetCpus() != null && !h.cpusetCpus().isEmpty()) {
			cpu.put("cpus", h.cpusetCpus());
		}
		if (!cpu.isEmpty()) {
			r.put("cpu", cpu);
		}
		if (h.pidsLimit() > 0) {
			r.put("pids", Map.of("limit", h.pidsLimit()));
		}
		return r;
	}

}
