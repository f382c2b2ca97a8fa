package io.berth.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on a container's isolation and on the limits new containers get, shared by {@link ContainersIT} (fresh
 * containers) and {@link LiveRestoreIT} (a container that outlived its daemon, and the daemon started again).
 */
final class IsolationChecks {

	/** Docker's default capability set as {@code /proc/<pid>/status} shows it. */
	static final String DEFAULT_CAP_EFF = "00000000a80425fb";

	private IsolationChecks() {
	}

	/** Runs a shell script in the container under test: {@code docker run} for a new one, {@code exec} otherwise. */
	@FunctionalInterface
	interface Shell {

		DockerCli.Result run(String script);

	}

	/** A file that exists only on the host, in the test's temporary directory, for the container to look for. */
	static Path hostMarker(Path tempDir) throws IOException {
		return Files.writeString(tempDir.resolve("host-only-marker"), "host\n");
	}

	/** The root is an overlay, and a file that exists on the host is not there. */
	static void assertOverlayRootWithoutHostPaths(Shell shell, Path hostMarker) {
		assertThat(hostMarker).exists();
		DockerCli.Result r = shell.run("grep ' / ' /proc/mounts | cut -d' ' -f3; test -e " + hostMarker
				+ " && echo leak || echo clean").assertOk();
		assertThat(r.out()).isEqualTo("overlay\nclean\n");
	}

	/**
	 * Docker's default capabilities and seccomp filter, on the container's pid 1 and on the process running the
	 * script; mounting is refused, and {@code /proc/sysrq-trigger} and {@code /proc/sys} cannot be opened for writing.
	 * The probes append nothing, so a failure of this check changes nothing on the host.
	 */
	static void assertDefaultHardening(Shell shell) {
		DockerCli.Result r = shell.run("for p in 1 self; do grep -E '^(CapEff|Seccomp):' /proc/$p/status; done;"
				+ " mkdir -p /mnt; mount -t tmpfs none /mnt && echo mounted;"
				+ " printf '' >> /proc/sysrq-trigger && echo wrote-sysrq;"
				+ " printf '' >> /proc/sys/kernel/hostname && echo wrote-proc-sys; echo done")
			.assertOk();
		String hardened = "CapEff:\t" + DEFAULT_CAP_EFF + "\nSeccomp:\t2\n";
		assertThat(r.out()).isEqualTo(hardened + hardened + "done\n");
		assertThat(r.err()).contains("mount: permission denied")
			.contains("can't create /proc/sys/kernel/hostname: Read-only file system")
			// A kernel built without magic SysRq (as some VMs' are) has no trigger to protect.
			.containsPattern("can't create /proc/sysrq-trigger: (Read-only file system|nonexistent directory)");
	}

	/** {@code -m 32m} and an allocation of 200 MB: the kernel kills it and the engine says so. */
	static void assertMemoryLimitOomKills(BerthDaemon daemon, String name) {
		DockerCli.Result r = daemon.docker("run", "--name", name, "-m", "32m", "busybox", "dd", "if=/dev/zero",
				"of=/dev/null", "bs=200M", "count=1");
		assertThat(r.exitCode()).isEqualTo(137);
		assertThat(daemon.docker("inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", name).assertOk().out())
			.isEqualTo("true 137\n");
		daemon.docker("rm", name).assertOk();
	}

	/** {@code --pids-limit 10} stops thirty background sleeps, which run without it. */
	static void assertPidsLimitStopsAForkBomb(BerthDaemon daemon) {
		DockerCli.Result r = daemon.docker("run", "--rm", "--pids-limit", "10", "busybox", "sh", "-c",
				"for i in $(seq 1 30); do sleep 3 & done; wait");
		assertThat(r.exitCode()).isNotZero();
		assertThat(r.err()).contains("can't fork: Resource temporarily unavailable");
		DockerCli.Result unlimited = daemon.docker("run", "--rm", "busybox", "sh", "-c",
				"for i in $(seq 1 30); do sleep 1 & done; wait; echo forked");
		assertThat(unlimited.out()).isEqualTo("forked\n");
	}

	/** {@code --privileged} gets every capability of the host's bounding set. */
	static void assertPrivilegedGetsTheHostsBoundingSet(BerthDaemon daemon) throws IOException {
		String host = Files.readAllLines(Path.of("/proc/self/status"))
			.stream()
			.filter((l) -> l.startsWith("CapBnd:"))
			.findFirst()
			.orElseThrow()
			.split("\\s+")[1];
		DockerCli.Result r = daemon
			.docker("run", "--rm", "--privileged", "busybox", "grep", "CapEff", "/proc/self/status")
			.assertOk();
		assertThat(r.out()).isEqualTo("CapEff:\t" + host + "\n");
	}

}
