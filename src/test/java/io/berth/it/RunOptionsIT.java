package io.berth.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The options of {@code docker run}, each checked from inside the container, through {@code docker inspect}, or in
 * the kernel's view of the container (its cgroups and namespaces).
 */
class RunOptionsIT extends BusyboxDaemonSupport {

	@TempDir
	Path temp;

	@Test
	void interactiveRunReadsPipedStdin() {
		DockerCli.Result r = this.daemon
			.dockerWithInput("data\nmore data\n".getBytes(StandardCharsets.UTF_8), "run", "-i", "--rm", "busybox", "cat")
			.assertOk();
		assertThat(r.out()).isEqualTo("data\nmore data\n");
		DockerCli.Result counted = this.daemon
			.dockerWithInput("a\nb\nc\n".getBytes(StandardCharsets.UTF_8), "run", "-i", "--rm", "busybox", "wc", "-l")
			.assertOk();
		assertThat(counted.out().trim()).isEqualTo("3");
	}

	@Test
	void ttyRunGivesTheContainerATerminal() throws Exception {
		Pty.Result r = Pty.run(this.daemon.socket(), "run", "-it", "--rm", "busybox", "sh", "-c",
				"tty; test -t 0 && test -t 1 && echo ok");
		assertThat(r.exitCode()).as(r.output()).isZero();
		assertThat(r.output()).contains("/dev/pts/").contains("ok\r\n");
		Pty.Result exit = Pty.run(this.daemon.socket(), "run", "-it", "--rm", "busybox", "sh", "-c", "exit 4");
		assertThat(exit.exitCode()).as(exit.output()).isEqualTo(4);
	}

	@Test
	void ulimitSetsTheSoftAndHardOpenFileLimits() {
		DockerCli.Result r = docker("run", "--rm", "--ulimit", "nofile=100:200", "busybox", "sh", "-c",
				"ulimit -n; ulimit -Hn")
			.assertOk();
		assertThat(r.out()).isEqualTo("100\n200\n");
		assertThat(docker("run", "--rm", "--ulimit", "nofile=100:200", "busybox", "sh", "-c", "ulimit -n 201").err())
			.isNotBlank();
	}

	@Test
	void readOnlyRootRefusesWritesButATmpfsStaysWritable() {
		DockerCli.Result r = docker("run", "--rm", "--read-only", "--tmpfs", "/tmp", "busybox", "sh", "-c",
				"touch /rootfile && echo wrote-root; touch /tmp/f && echo wrote-tmp; grep ' /tmp ' /proc/mounts;"
						+ " grep ' / ' /proc/mounts")
			.assertOk();
		assertThat(r.out()).doesNotContain("wrote-root").contains("wrote-tmp\n");
		assertThat(r.err()).contains("Read-only file system");
		List<String> mounts = r.out().lines().filter((l) -> l.contains(" / ") || l.contains(" /tmp ")).toList();
		assertThat(mounts).anySatisfy((l) -> assertThat(l).startsWith("tmpfs /tmp tmpfs rw"));
		assertThat(mounts).anySatisfy((l) -> assertThat(l).matches("overlay / overlay ro[,\\s].*"));
		assertThat(docker("run", "--rm", "busybox", "sh", "-c", "touch /rootfile && echo wrote-root").assertOk().out())
			.isEqualTo("wrote-root\n");
	}

	@Test
	void tmpfsSizeIsHonoured() {
		DockerCli.Result r = docker("run", "--rm", "--tmpfs", "/data:size=1m", "busybox", "sh", "-c",
				"grep ' /data ' /proc/mounts; dd if=/dev/zero of=/data/big bs=1k count=2048 2>&1; du -k /data/big");
		assertThat(r.out()).contains("tmpfs /data tmpfs rw").contains("size=1024k");
		assertThat(r.out()).contains("No space left on device");
		String du = r.out().lines().filter((l) -> l.endsWith("/data/big")).findFirst().orElseThrow();
		assertThat(Integer.parseInt(du.split("\\s+")[0])).isLessThanOrEqualTo(1024);
	}

	@Test
	void namedVolumeCarriesDataFromOneContainerToTheNext() {
		docker("run", "--rm", "-v", "shared-data:/data", "busybox", "sh", "-c", "echo hello > /data/greeting")
			.assertOk();
		assertThat(docker("run", "--rm", "-v", "shared-data:/data", "busybox", "cat", "/data/greeting").assertOk().out())
			.isEqualTo("hello\n");
		assertThat(docker("volume", "ls", "-q", "--filter", "name=shared-data").assertOk().out())
			.isEqualTo("shared-data\n");
		docker("volume", "rm", "shared-data").assertOk();
	}

	@Test
	void anonymousVolumeIsInInspectAndRmVRemovesItButNotANamedOne() {
		docker("create", "--name", "anon", "-v", "/data", "-v", "kept-vol:/keep", "busybox", "true").assertOk();
		String mounts = docker("inspect", "-f",
				"{{range .Mounts}}{{.Type}} {{.Name}} {{.Destination}} {{.RW}}{{println}}{{end}}", "anon")
			.assertOk()
			.out();
		String anonymous = mounts.lines()
			.filter((l) -> l.endsWith(" /data true"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no /data mount in:\n" + mounts))
			.split(" ")[1];
		assertThat(anonymous).matches("[0-9a-f]{64}");
		assertThat(mounts).contains("volume " + anonymous + " /data true\n").contains("volume kept-vol /keep true\n");
		assertThat(docker("volume", "ls", "-q").assertOk().out()).contains(anonymous, "kept-vol");
		docker("start", "-a", "anon").assertOk();
		assertThat(docker("rm", "-v", "anon").assertOk().out()).isEqualTo("anon\n");
		String left = docker("volume", "ls", "-q").assertOk().out();
		assertThat(left).doesNotContain(anonymous).contains("kept-vol");
		docker("volume", "rm", "kept-vol").assertOk();
		docker("run", "--rm", "-v", "/scratch", "busybox", "true").assertOk();
		assertThat(docker("volume", "ls", "-q").assertOk().out()).isEqualTo(left.replace("kept-vol\n", ""));
	}

	@Test
	void readOnlyBindMountIsReadableButRefusesWrites() throws Exception {
		Path dir = Files.createDirectory(this.temp.resolve("bind"));
		Files.writeString(dir.resolve("in.txt"), "from host\n");
		DockerCli.Result r = docker("run", "--rm", "-v", dir + ":/mnt:ro", "busybox", "sh", "-c",
				"cat /mnt/in.txt; echo x > /mnt/out.txt && echo wrote");
		assertThat(r.out()).isEqualTo("from host\n");
		assertThat(r.err()).contains("Read-only file system");
		assertThat(dir.resolve("out.txt")).doesNotExist();
		docker("run", "--rm", "-v", dir + ":/mnt", "busybox", "sh", "-c", "echo x > /mnt/out.txt").assertOk();
		assertThat(dir.resolve("out.txt")).hasContent("x");
	}

	@Test
	void envWorkdirUserHostnameLabelsAndNameAreWhatTheContainerSees() {
		DockerCli.Result r = docker("run", "--name", "envy", "-e", "FOO=bar", "-e", "EMPTY=", "-w", "/tmp", "-u",
				"65534", "--hostname", "boxy", "-l", "tier=web", "busybox", "sh", "-c",
				"echo $FOO; echo \"[$EMPTY]\"; pwd; id -u; hostname")
			.assertOk();
		assertThat(r.out()).isEqualTo("bar\n[]\n/tmp\n65534\nboxy\n");
		String inspect = docker("inspect", "-f",
				"{{.Name}} {{.Config.User}} {{.Config.WorkingDir}} {{.Config.Hostname}} {{index .Config.Labels \"tier\"}}",
				"envy")
			.assertOk()
			.out();
		assertThat(inspect).isEqualTo("/envy 65534 /tmp boxy web\n");
		assertThat(docker("inspect", "-f", "{{json .Config.Env}}", "envy").assertOk().out()).contains("\"FOO=bar\"")
			.contains("\"EMPTY=\"");
		assertThat(docker("ps", "-a", "--filter", "label=tier=web", "--format", "{{.Names}}").assertOk().out())
			.isEqualTo("envy\n");
		assertThat(docker("ps", "-a", "--filter", "label=tier=db", "--format", "{{.Names}}").assertOk().out())
			.isEmpty();
		docker("rm", "envy").assertOk();
	}

	@Test
	void entrypointReplacesTheImagesAndTakesTheArguments() {
		DockerCli.Result r = docker("run", "--name", "entry", "--entrypoint", "echo", "busybox", "hello", "world")
			.assertOk();
		assertThat(r.out()).isEqualTo("hello world\n");
		assertThat(docker("inspect", "-f", "{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.Path}}", "entry")
			.assertOk()
			.out()).isEqualTo("[\"echo\"] [\"hello\",\"world\"] echo\n");
		docker("rm", "entry").assertOk();
	}

	@Test
	void resourceLimitsAreInInspectAndInTheContainersCgroup() throws Exception {
		docker("run", "-d", "--name", "limited", "-m", "64m", "--memory-swap", "128m", "--cpus", "0.5",
				"--cpu-shares", "512", "busybox", "sleep", "300")
			.assertOk();
		assertThat(docker("inspect", "-f",
				"{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}} {{.HostConfig.NanoCpus}} {{.HostConfig.CpuShares}}",
				"limited")
			.assertOk()
			.out()).isEqualTo("67108864 134217728 500000000 512\n");
		int pid = Integer.parseInt(docker("inspect", "-f", "{{.State.Pid}}", "limited").assertOk().out().trim());
		assertThat(pid).isPositive();
		Cgroups cg = Cgroups.of(pid);
		if (cg.v2()) {
			assertThat(cg.read("memory", "memory.max")).isEqualTo("67108864");
			assertThat(cg.read("memory", "memory.swap.max")).isEqualTo("67108864");
			assertThat(cg.read("cpu", "cpu.max")).isEqualTo("50000 100000");
			assertThat(cg.read("cpu", "cpu.weight")).isEqualTo("20");
		}
		else {
			assertThat(cg.read("memory", "memory.limit_in_bytes")).isEqualTo("67108864");
			if (cg.exists("memory", "memory.memsw.limit_in_bytes")) {
				assertThat(cg.read("memory", "memory.memsw.limit_in_bytes")).isEqualTo("134217728");
			}
			assertThat(cg.read("cpu", "cpu.cfs_period_us")).isEqualTo("100000");
			assertThat(cg.read("cpu", "cpu.cfs_quota_us")).isEqualTo("50000");
			assertThat(cg.read("cpu", "cpu.shares")).isEqualTo("512");
		}
		docker("rm", "-f", "limited").assertOk();
	}

	@Test
	void networkNoneLeavesOnlyLoopback() {
		DockerCli.Result r = docker("run", "--rm", "--network", "none", "busybox", "cat", "/proc/net/dev").assertOk();
		assertThat(interfaces(r.out())).containsExactly("lo");
	}

	@Test
	void networkHostSharesTheHostsInterfacesAndNamespace() throws Exception {
		DockerCli.Result r = docker("run", "--rm", "--network", "host", "busybox", "sh", "-c",
				"readlink /proc/self/ns/net; cat /proc/net/dev")
			.assertOk();
		String hostNs = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
		assertThat(r.out().lines().findFirst().orElseThrow()).isEqualTo(hostNs);
		List<String> host = interfaces(Files.readString(Path.of("/proc/net/dev")));
		assertThat(host).hasSizeGreaterThan(1);
		assertThat(interfaces(r.out())).containsExactlyInAnyOrderElementsOf(host);
		assertThat(docker("run", "--name", "hostnet", "--network", "host", "busybox", "true").assertOk().out())
			.isEmpty();
		assertThat(docker("inspect", "-f", "{{.HostConfig.NetworkMode}}", "hostnet").assertOk().out())
			.isEqualTo("host\n");
		docker("rm", "hostnet").assertOk();
	}

	@Test
	void defaultNetworkIsAPrivateNamespaceWithLoopbackAndTheBridgesInterface() throws Exception {
		DockerCli.Result r = docker("run", "--rm", "busybox", "sh", "-c",
				"readlink /proc/self/ns/net; ip link show lo; cat /proc/net/dev")
			.assertOk();
		String hostNs = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
		List<String> lines = r.out().lines().toList();
		assertThat(lines.get(0)).startsWith("net:[").isNotEqualTo(hostNs);
		assertThat(lines.get(1)).contains("lo:").containsPattern("<LOOPBACK,UP[,>]");
		assertThat(interfaces(r.out())).containsExactlyInAnyOrder("lo", "eth0");
	}

	/** The interface names in a {@code /proc/net/dev} listing (lines of the form {@code "  name: counters"}). */
	private static List<String> interfaces(String text) {
		return text.lines()
			.filter((l) -> l.matches("\\s*[\\w.@-]+:\\s*\\d.*"))
			.map((l) -> l.substring(0, l.indexOf(':')).trim())
			.toList();
	}

	@Test
	void onFailureRestartsTwiceThenStaysExited() {
		docker("run", "-d", "--name", "flaky", "--restart", "on-failure:2", "busybox", "sh", "-c",
				"echo run; exit 1")
			.assertOk();
		awaitInspect("flaky", "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}", "exited 2 1");
		BerthDaemon.sleep(1500);
		assertThat(inspect("flaky", "{{.State.Status}} {{.RestartCount}}")).isEqualTo("exited 2");
		assertThat(docker("logs", "flaky").assertOk().out()).isEqualTo("run\nrun\nrun\n");
		assertThat(inspect("flaky", "{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}"))
			.isEqualTo("on-failure 2");
		docker("rm", "flaky").assertOk();
	}

	@Test
	void onFailureDoesNotRestartASuccessfulExit() {
		docker("run", "-d", "--name", "content", "--restart", "on-failure", "busybox", "true").assertOk();
		awaitInspect("content", "{{.State.Status}} {{.State.ExitCode}}", "exited 0");
		BerthDaemon.sleep(1000);
		assertThat(inspect("content", "{{.State.Status}} {{.RestartCount}}")).isEqualTo("exited 0");
		docker("rm", "content").assertOk();
	}

	@Test
	void restartAlwaysRestartsAnExitedContainerUntilItIsStopped() {
		restartsUntilStopped("always");
	}

	@Test
	void restartUnlessStoppedRestartsAnExitedContainerUntilItIsStopped() {
		restartsUntilStopped("unless-stopped");
	}

	private void restartsUntilStopped(String policy) {
		String name = "again-" + policy;
		docker("run", "-d", "--name", name, "--restart", policy, "busybox", "sh", "-c", "sleep 0.3; exit 0")
			.assertOk();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (restartCount(name) < 2 && System.nanoTime() < deadline) {
			BerthDaemon.sleep(100);
		}
		assertThat(restartCount(name)).isGreaterThanOrEqualTo(2);
		docker("stop", "-t", "1", name).assertOk();
		awaitInspect(name, "{{.State.Status}}", "exited");
		int count = restartCount(name);
		BerthDaemon.sleep(2000);
		assertThat(inspect(name, "{{.State.Status}} {{.RestartCount}}")).isEqualTo("exited " + count);
		assertThat(docker("ps", "-q", "--filter", "name=" + name).assertOk().out()).isEmpty();
		docker("rm", name).assertOk();
	}

	@Test
	void restartNoLeavesAFailedContainerExited() {
		docker("run", "-d", "--name", "once", "--restart", "no", "busybox", "sh", "-c", "exit 1").assertOk();
		awaitInspect("once", "{{.State.Status}} {{.State.ExitCode}}", "exited 1");
		BerthDaemon.sleep(1000);
		assertThat(inspect("once", "{{.State.Status}} {{.RestartCount}}")).isEqualTo("exited 0");
		docker("rm", "once").assertOk();
	}

	private int restartCount(String name) {
		return Integer.parseInt(inspect(name, "{{.RestartCount}}"));
	}

	/** A container's cgroups, as the kernel reports them in {@code /proc/<pid>/cgroup}. */
	private record Cgroups(List<String> lines) {

		static Cgroups of(int pid) throws IOException {
			return new Cgroups(Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")));
		}

		boolean v2() {
			return Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
		}

		/** The directory of the controller's cgroup: {@code <mount>/<path>} in v1, under the unified root in v2. */
		Path dir(String controller) {
			for (String line : this.lines) {
				String[] f = line.split(":", 3);
				if (v2() && f[0].equals("0")) {
					return Path.of("/sys/fs/cgroup" + f[2]);
				}
				if (List.of(f[1].split(",")).contains(controller)) {
					return Path.of("/sys/fs/cgroup", f[1] + f[2]);
				}
			}
			throw new AssertionError("no " + controller + " cgroup in " + this.lines);
		}

		boolean exists(String controller, String file) {
			return Files.exists(dir(controller).resolve(file));
		}

		String read(String controller, String file) throws IOException {
			return Files.readString(dir(controller).resolve(file)).trim();
		}

	}

	/**
	 * Runs the docker CLI on a pseudo-terminal made by {@code script} (util-linux), so {@code -t} sees a terminal on
	 * its side as it does in a shell.
	 */
	static final class Pty {

		record Result(int exitCode, String output) {
		}

		static Result run(Path socket, String... args) throws Exception {
			StringBuilder cmd = new StringBuilder(DockerCli.DOCKER).append(" -H unix://").append(socket);
			for (String a : args) {
				cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
			}
			ProcessBuilder pb = new ProcessBuilder("script", "-qefc", cmd.toString(), "/dev/null");
			pb.environment().put("DOCKER_CONFIG",
					Path.of(System.getProperty("java.io.tmpdir"), "berth-it-docker-config").toString());
			pb.environment().remove("DOCKER_HOST");
			pb.redirectErrorStream(true);
			Process p = pb.start();
			// stdin stays open until the command is done: at EOF script would end the session early.
			try {
				if (!p.waitFor(60, TimeUnit.SECONDS)) {
					p.destroyForcibly();
					throw new AssertionError("script did not finish within 60 s");
				}
				return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
			}
			finally {
				p.getOutputStream().close();
			}
		}

	}

}
