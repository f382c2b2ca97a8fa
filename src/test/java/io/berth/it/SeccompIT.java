package io.berth.it;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docker's default seccomp profile as it follows the container's capabilities, end to end with the docker CLI and
 * berth-runtime; {@link RuncSeccompIT} runs the same cases with runc.
 */
class SeccompIT extends BusyboxDaemonSupport {

	/**
	 * Sets the clock to 1960: the kernel refuses a time before the epoch with EINVAL before it checks CAP_SYS_TIME, so
	 * the host clock never changes and an EPERM can only come from seccomp.
	 */
	private static final String SET_CLOCK = "date -s '1960-01-01 00:00:00' >/dev/null";

	@Test
	void defaultContainerIsFilteredAndCannotMountOrUnshare() {
		DockerCli.Result r = docker("run", "--rm", "busybox", "sh", "-c", "grep '^Seccomp:' /proc/self/status;"
				+ " mkdir -p /mnt; mount -t tmpfs none /mnt && echo mounted; unshare -m true && echo unshared; echo done")
			.assertOk();
		assertThat(r.out()).isEqualTo("Seccomp:\t2\ndone\n");
		assertThat(r.err()).contains("Operation not permitted");
	}

	@Test
	void sysAdminUnlocksMountAndUnshare() {
		DockerCli.Result r = docker("run", "--rm", "--cap-add", "SYS_ADMIN", "busybox", "sh", "-c",
				"mkdir -p /mnt && mount -t tmpfs none /mnt && grep ' /mnt ' /proc/mounts && unshare -m true"
						+ " && echo unshared")
			.assertOk();
		assertThat(r.out()).startsWith("none /mnt tmpfs ").endsWith("\nunshared\n");
	}

	@Test
	void sysTimeLetsClockSettimeThrough() {
		assertThat(docker("run", "--rm", "busybox", "sh", "-c", SET_CLOCK).assertOk().err())
			.contains("can't set date: Operation not permitted");
		assertThat(docker("run", "--rm", "--cap-add", "SYS_TIME", "busybox", "sh", "-c", SET_CLOCK).assertOk().err())
			.contains("can't set date: Invalid argument");
		assertThat(docker("run", "--rm", "--security-opt", "seccomp=unconfined", "busybox", "sh", "-c", SET_CLOCK)
			.assertOk()
			.err()).contains("can't set date: Invalid argument");
	}

	@Test
	void syslogLetsDmesgReadTheKernelLog() {
		String dmesg = "dmesg >/dev/null && echo read";
		DockerCli.Result denied = docker("run", "--rm", "busybox", "sh", "-c", dmesg);
		assertThat(denied.out()).isEmpty();
		assertThat(denied.err()).contains("Operation not permitted");
		assertThat(docker("run", "--rm", "--cap-add", "SYSLOG", "busybox", "sh", "-c", dmesg).assertOk().out())
			.isEqualTo("read\n");
	}

	@Test
	void everyCapabilityStillLoadsAFilter() {
		// Several gated entries name the same syscall (ptrace, syslog, bpf), which the runtime must accept.
		DockerCli.Result r = docker("run", "--rm", "--cap-add", "ALL", "busybox", "sh", "-c",
				"grep '^Seccomp:' /proc/self/status; mkdir -p /mnt && mount -t tmpfs none /mnt && echo mounted")
			.assertOk();
		assertThat(r.out()).isEqualTo("Seccomp:\t2\nmounted\n");
	}

	@Test
	void unconfinedAndPrivilegedHaveNoFilter() {
		assertThat(docker("run", "--rm", "--security-opt", "seccomp=unconfined", "busybox", "grep", "^Seccomp:",
				"/proc/self/status").assertOk().out()).isEqualTo("Seccomp:\t0\n");
		assertThat(docker("run", "--rm", "--privileged", "busybox", "grep", "^Seccomp:", "/proc/self/status")
			.assertOk()
			.out()).isEqualTo("Seccomp:\t0\n");
	}

}
