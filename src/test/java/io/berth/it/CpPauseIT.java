package io.berth.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker cp} freezes a running container for as long as it copies, as dockerd does since CVE-2018-15664, so
 * that no process in it can swap a path component for a symlink halfway; it thaws it afterwards, also when the copy
 * fails, publishes no pause events, and leaves a container the user paused paused. A freeze left behind by a daemon
 * killed mid-copy is undone when the daemon starts again.
 */
class CpPauseIT extends BusyboxDaemonSupport {

	/** Counts in /tmp/count (renamed into place, so never seen half written) for as long as it is not frozen. */
	private static final String COUNTER = "i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new;"
			+ " mv /tmp/count.new /tmp/count; sleep 0.01; done";

	private static final int BIG_MIB = 128;

	@TempDir
	Path temp;

	@Test
	void aRunningContainerIsFrozenWhileItsFileGoesToASlowReaderAndRunsAgainAfterwards() throws Exception {
		String since = stamp(Instant.now());
		startCounter("cp-busy", "dd if=/dev/zero of=/big bs=1M count=" + BIG_MIB + " 2>/dev/null; " + COUNTER);
		assertThat(freezerState("cp-busy")).isEqualTo("THAWED");
		Path err = this.temp.resolve("cp.err");
		// The test reads nothing yet: the pipe, the sockets and then the daemon's write block, mid-copy.
		Process cp = new ProcessBuilder(DockerCli.DOCKER, "-H", "unix://" + this.daemon.socket(), "cp", "cp-busy:/big",
				"-")
			.redirectError(err.toFile())
			.start();
		try {
			cp.getOutputStream().close();
			awaitTrue("the container to be frozen by the copy", () -> freezerState("cp-busy").equals("FROZEN"));
			long frozenAt = counter("cp-busy");
			Thread.sleep(1000);
			assertThat(counter("cp-busy")).isEqualTo(frozenAt);
			assertThat(cp.isAlive()).as("the copy is still waiting for its reader").isTrue();
			assertThat(freezerState("cp-busy")).isEqualTo("FROZEN");
			assertThat(statusAndPaused("cp-busy")).isEqualTo("running false");

			long copied = count(cp.getInputStream());
			assertThat(cp.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(cp.exitValue()).as(Files.readString(err)).isZero();
			assertThat(copied).isGreaterThan(BIG_MIB * 1024L * 1024L);
			awaitTrue("the counter to go on after the copy", () -> counter("cp-busy") > frozenAt);
			assertThat(freezerState("cp-busy")).isEqualTo("THAWED");
			assertThat(statusAndPaused("cp-busy")).isEqualTo("running false");
		}
		finally {
			cp.destroyForcibly();
		}
		List<String> actions = docker("events", "--since", since, "--until", stamp(Instant.now()), "--filter",
				"container=cp-busy", "--format", "{{.Action}}")
			.assertOk()
			.out()
			.lines()
			.toList();
		assertThat(actions).contains("archive-path").doesNotContain("pause", "unpause");
		docker("rm", "-f", "cp-busy").assertOk();
	}

	@Test
	void copiesThatFailOrWriteIntoTheContainerThawItToo() throws Exception {
		startCounter("cp-thaw", COUNTER);
		DockerCli.Result missing = docker("cp", "cp-thaw:/nonexistent", "-");
		assertThat(missing.exitCode()).isNotZero();
		assertThat(missing.err()).contains("Could not find the file /nonexistent");
		assertThat(freezerState("cp-thaw")).isEqualTo("THAWED");
		Path in = Files.writeString(this.temp.resolve("in.txt"), "copied in\n");
		docker("cp", in.toString(), "cp-thaw:/tmp/").assertOk();
		assertThat(freezerState("cp-thaw")).isEqualTo("THAWED");
		assertThat(docker("exec", "cp-thaw", "cat", "/tmp/in.txt").assertOk().out()).isEqualTo("copied in\n");
		long before = counter("cp-thaw");
		awaitTrue("the counter to go on", () -> counter("cp-thaw") > before);
		docker("rm", "-f", "cp-thaw").assertOk();
	}

	@Test
	void aPausedContainerStaysPausedThroughCopiesBothWays() throws Exception {
		startCounter("cp-paused", COUNTER);
		docker("pause", "cp-paused").assertOk();
		long pausedAt = counter("cp-paused");
		Path out = this.temp.resolve("count");
		docker("cp", "cp-paused:/tmp/count", out.toString()).assertOk();
		assertThat(Files.readString(out)).isEqualTo(pausedAt + "\n");
		Path in = Files.writeString(this.temp.resolve("in.txt"), "into a paused one\n");
		docker("cp", in.toString(), "cp-paused:/tmp/").assertOk();
		assertThat(statusAndPaused("cp-paused")).isEqualTo("paused true");
		assertThat(freezerState("cp-paused")).isEqualTo("FROZEN");
		Thread.sleep(300);
		assertThat(counter("cp-paused")).isEqualTo(pausedAt);
		docker("unpause", "cp-paused").assertOk();
		awaitTrue("the counter to go on after unpause", () -> counter("cp-paused") > pausedAt);
		assertThat(docker("exec", "cp-paused", "cat", "/tmp/in.txt").assertOk().out())
			.isEqualTo("into a paused one\n");
		docker("rm", "-f", "cp-paused").assertOk();
	}

	@Test
	void aContainerLeftFrozenByADaemonKilledMidCopyIsThawedWhenItStartsAgain() throws Exception {
		startCounter("cp-orphan", "dd if=/dev/zero of=/big bs=1M count=" + BIG_MIB + " 2>/dev/null; " + COUNTER);
		Process cp = new ProcessBuilder(DockerCli.DOCKER, "-H", "unix://" + this.daemon.socket(), "cp",
				"cp-orphan:/big", "-")
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
		String pid = pid("cp-orphan");
		try {
			awaitTrue("the container to be frozen by the copy", () -> freezerStateOf(pid).equals("FROZEN"));
			this.daemon.kill9();
		}
		finally {
			cp.destroyForcibly();
		}
		assertThat(freezerStateOf(pid)).isEqualTo("FROZEN");
		this.daemon.launch();
		// Live restore runs once the application is ready, which may be just after the socket answers.
		awaitTrue("the restarted daemon to thaw the container", () -> freezerStateOf(pid).equals("THAWED"));
		long before = counter("cp-orphan");
		awaitTrue("the counter to go on", () -> counter("cp-orphan") > before);
		assertThat(statusAndPaused("cp-orphan")).isEqualTo("running false");
		docker("rm", "-f", "cp-orphan").assertOk();
	}

	/** Runs the script in a new container and waits until its counter has started. */
	private void startCounter(String name, String script) throws Exception {
		docker("run", "-d", "--name", name, "busybox:latest", "sh", "-c", script).assertOk();
		awaitTrue(name + "'s counter to start", () -> counter(name) > 0);
	}

	/** The container's counter, read from the host through its init's root; -1 before it starts. */
	private long counter(String name) throws IOException {
		Path count = Path.of("/proc", pid(name), "root", "tmp", "count");
		String text = Files.exists(count) ? Files.readString(count).trim() : "";
		return text.isEmpty() ? -1 : Long.parseLong(text);
	}

	/** FROZEN or THAWED, from the freezer of the cgroup the container's init is in (v1, or v2's cgroup.events). */
	private String freezerState(String name) throws IOException {
		return freezerStateOf(pid(name));
	}

	private static String freezerStateOf(String pid) throws IOException {
		List<String> cgroups = Files.readAllLines(Path.of("/proc", pid, "cgroup"));
		for (String line : cgroups) {
			String[] parts = line.split(":", 3);
			if (parts[1].equals("freezer")) {
				return Files.readString(Path.of("/sys/fs/cgroup/freezer" + parts[2], "freezer.state")).trim();
			}
		}
		String unified = cgroups.stream().filter((l) -> l.startsWith("0::")).findFirst().orElseThrow().substring(3);
		boolean frozen = Files.readAllLines(Path.of("/sys/fs/cgroup" + unified, "cgroup.events")).contains("frozen 1");
		return frozen ? "FROZEN" : "THAWED";
	}

	private String pid(String name) {
		return inspect(name, "{{.State.Pid}}");
	}

	private String statusAndPaused(String name) {
		return inspect(name, "{{.State.Status}} {{.State.Paused}}");
	}

	private static long count(InputStream in) throws IOException {
		long total = 0;
		byte[] buf = new byte[64 * 1024];
		int n;
		while ((n = in.read(buf)) >= 0) {
			total += n;
		}
		return total;
	}

	/** The form the CLI itself sends: seconds and nine digits of fraction. */
	private static String stamp(Instant t) {
		return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
	}

	@FunctionalInterface
	private interface Check {

		boolean holds() throws Exception;

	}

	private static void awaitTrue(String what, Check check) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!check.holds()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("timed out waiting for " + what);
			}
			Thread.sleep(50);
		}
	}

}
