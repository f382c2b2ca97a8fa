package io.berth.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A container's lifecycle verbs ({@code create}, {@code start}, {@code stop}, {@code kill}, {@code restart},
 * {@code pause}, {@code wait}, {@code rm}, {@code rename}, {@code container prune}) and the listing and log options
 * that show their effects, driven by the real docker CLI. Every test removes what it made.
 */
class LifecycleIT extends BusyboxDaemonSupport {

	/** A shell that exits at once on SIGTERM; as PID 1 it would otherwise ignore it. */
	private static final String STOPPABLE = "trap 'exit 0' TERM; echo ready; while :; do sleep 0.1; done";

	@Test
	void createMakesAContainerThatOnlyStartRuns() {
		String id = docker("create", "--name", "later", "busybox", "sh", "-c", STOPPABLE).assertOk().out().trim();
		assertThat(id).matches("[0-9a-f]{64}");
		assertThat(inspect("later", "{{.State.Status}} {{.State.Pid}} {{.State.StartedAt}}"))
			.isEqualTo("created 0 0001-01-01T00:00:00Z");
		assertThat(docker("ps", "-a", "--filter", "name=later", "--format", "{{.Status}}").assertOk().out())
			.isEqualTo("Created\n");
		assertThat(docker("ps", "-q").assertOk().out()).doesNotContain(id.substring(0, 12));
		assertThat(docker("logs", "later").assertOk().out()).isEmpty();
		assertThat(docker("start", "later").assertOk().out()).isEqualTo("later\n");
		assertThat(inspect("later", "{{.State.Status}} {{.State.Running}}")).isEqualTo("running true");
		assertThat(Integer.parseInt(inspect("later", "{{.State.Pid}}"))).isPositive();
		assertThat(docker("ps", "-q").assertOk().out()).contains(id.substring(0, 12));
		awaitLogs("later", "ready\n");
		docker("rm", "-f", "later").assertOk();
	}

	@Test
	void stopWaitsTheTimeoutForAProcessIgnoringSigtermThenKillsIt() {
		docker("run", "-d", "--name", "stubborn", "busybox", "sh", "-c",
				"trap '' TERM; echo ready; while :; do sleep 0.1; done")
			.assertOk();
		awaitLogs("stubborn", "ready\n");
		long started = System.nanoTime();
		assertThat(docker("stop", "-t", "1", "stubborn").assertOk().out()).isEqualTo("stubborn\n");
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		assertThat(millis).isBetween(1000L, 5000L);
		assertThat(inspect("stubborn", "{{.State.Status}} {{.State.ExitCode}}")).isEqualTo("exited 137");
		docker("rm", "stubborn").assertOk();
	}

	@Test
	void stopOfAProcessThatHandlesSigtermDoesNotWaitForTheTimeout() {
		docker("run", "-d", "--name", "polite", "busybox", "sh", "-c", STOPPABLE).assertOk();
		awaitLogs("polite", "ready\n");
		long started = System.nanoTime();
		docker("stop", "-t", "30", "polite").assertOk();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(10_000L);
		assertThat(inspect("polite", "{{.State.Status}} {{.State.ExitCode}}")).isEqualTo("exited 0");
		docker("rm", "polite").assertOk();
	}

	@Test
	void killWithASignalIsDeliveredToTheContainersTrap() {
		docker("run", "-d", "--name", "signalled", "busybox", "sh", "-c",
				"trap 'echo got-usr1' USR1; echo ready; while :; do sleep 0.1; done")
			.assertOk();
		awaitLogs("signalled", "ready\n");
		assertThat(docker("kill", "-s", "USR1", "signalled").assertOk().out()).isEqualTo("signalled\n");
		awaitLogs("signalled", "ready\ngot-usr1\n");
		assertThat(inspect("signalled", "{{.State.Status}}")).isEqualTo("running");
		docker("kill", "signalled").assertOk();
		awaitInspect("signalled", "{{.State.Status}} {{.State.ExitCode}}", "exited 137");
		DockerCli.Result again = docker("kill", "signalled");
		assertThat(again.exitCode()).isNotZero();
		assertThat(again.err()).contains("is not running");
		docker("rm", "signalled").assertOk();
	}

	@Test
	void restartKeepsTheIdAndStartsAFreshProcess() {
		String id = docker("run", "-d", "--name", "again", "busybox", "sh", "-c", STOPPABLE).assertOk().out().trim();
		awaitLogs("again", "ready\n");
		String[] before = inspect("again", "{{.Id}} {{.State.StartedAt}} {{.State.Pid}}").split(" ");
		assertThat(docker("restart", "-t", "5", "again").assertOk().out()).isEqualTo("again\n");
		String[] after = inspect("again", "{{.Id}} {{.State.StartedAt}} {{.State.Pid}} {{.State.Status}}").split(" ");
		assertThat(after[0]).isEqualTo(id).isEqualTo(before[0]);
		assertThat(Instant.parse(after[1])).isAfter(Instant.parse(before[1]));
		assertThat(after[2]).isNotEqualTo(before[2]);
		assertThat(after[3]).isEqualTo("running");
		awaitLogs("again", "ready\nready\n");
		docker("stop", "again").assertOk();
		docker("restart", "again").assertOk();
		assertThat(inspect("again", "{{.State.Status}}")).isEqualTo("running");
		docker("rm", "-f", "again").assertOk();
	}

	@Test
	void pauseFreezesTheProcessesUntilUnpause() {
		docker("run", "-d", "--name", "ticker", "busybox", "sh", "-c",
				"i=0; while :; do i=$((i+1)); echo $i; sleep 0.1; done")
			.assertOk();
		awaitLogLines("ticker", 3);
		assertThat(docker("pause", "ticker").assertOk().out()).isEqualTo("ticker\n");
		assertThat(inspect("ticker", "{{.State.Status}} {{.State.Paused}} {{.State.Running}}"))
			.isEqualTo("paused true true");
		assertThat(docker("ps", "--filter", "name=ticker", "--format", "{{.Status}}").assertOk().out())
			.matches("Up .* \\(Paused\\)\n");
		BerthDaemon.sleep(300);
		int frozen = logLines("ticker");
		BerthDaemon.sleep(1200);
		assertThat(logLines("ticker")).isEqualTo(frozen);
		DockerCli.Result twice = docker("pause", "ticker");
		assertThat(twice.exitCode()).isNotZero();
		assertThat(twice.err()).contains("is already paused");
		assertThat(docker("unpause", "ticker").assertOk().out()).isEqualTo("ticker\n");
		assertThat(inspect("ticker", "{{.State.Status}} {{.State.Paused}}")).isEqualTo("running false");
		awaitLogLines("ticker", frozen + 5);
		assertThat(docker("ps", "--filter", "name=ticker", "--format", "{{.Status}}").assertOk().out())
			.doesNotContain("Paused");
		docker("pause", "ticker").assertOk();
		// A paused container can still be removed by force.
		docker("rm", "-f", "ticker").assertOk();
		assertThat(docker("ps", "-aq", "--filter", "name=ticker").assertOk().out()).isEmpty();
	}

	@Test
	void waitPrintsTheExitCode() {
		docker("run", "-d", "--name", "waiter", "busybox", "sh", "-c", "sleep 1; exit 5").assertOk();
		DockerCli.Result r = docker("wait", "waiter").assertOk();
		assertThat(r.out()).isEqualTo("5\n");
		assertThat(docker("wait", "waiter").assertOk().out()).isEqualTo("5\n");
		DockerCli.Result unknown = docker("wait", "nosuchwaiter");
		assertThat(unknown.exitCode()).isNotZero();
		assertThat(unknown.err()).contains("No such container: nosuchwaiter");
		docker("rm", "waiter").assertOk();
	}

	@Test
	void rmForceRemovesARunningContainerAndItsProcess() {
		docker("run", "-d", "--name", "doomed", "busybox", "sleep", "300").assertOk();
		int pid = Integer.parseInt(inspect("doomed", "{{.State.Pid}}"));
		assertThat(Path.of("/proc/" + pid)).exists();
		assertThat(docker("rm", "-f", "doomed").assertOk().out()).isEqualTo("doomed\n");
		assertThat(docker("ps", "-aq", "--filter", "name=doomed").assertOk().out()).isEmpty();
		DockerCli.Result gone = docker("inspect", "doomed");
		assertThat(gone.exitCode()).isEqualTo(1);
		assertThat(gone.err()).contains("No such object: doomed");
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (Files.exists(Path.of("/proc/" + pid)) && System.nanoTime() < deadline) {
			BerthDaemon.sleep(50);
		}
		assertThat(Path.of("/proc/" + pid)).doesNotExist();
	}

	@Test
	void renameMovesTheNameAndRefusesATakenOne() throws Exception {
		String id = docker("run", "-d", "--name", "old-name", "busybox", "sleep", "300").assertOk().out().trim();
		String other = docker("create", "--name", "taken", "busybox", "true").assertOk().out().trim();
		docker("rename", "old-name", "new-name").assertOk();
		DockerCli.Result old = docker("container", "inspect", "old-name");
		assertThat(old.exitCode()).isEqualTo(1);
		assertThat(old.err()).contains("No such container: old-name");
		RawHttp.Response oldJson = RawHttp.send(this.daemon.socket(), "GET", "/v1.41/containers/old-name/json", "",
				"");
		assertThat(oldJson.status()).isEqualTo(404);
		assertThat(oldJson.body()).contains("No such container: old-name");
		assertThat(inspect("new-name", "{{.Name}} {{.Id}} {{.State.Status}}"))
			.isEqualTo("/new-name " + id + " running");
		assertThat(docker("ps", "--filter", "id=" + id, "--format", "{{.Names}}").assertOk().out())
			.isEqualTo("new-name\n");
		DockerCli.Result conflict = docker("rename", "new-name", "taken");
		assertThat(conflict.exitCode()).isEqualTo(1);
		assertThat(conflict.err()).contains("Conflict. The container name \"/taken\" is already in use by container \""
				+ other + "\"");
		RawHttp.Response conflictJson = RawHttp.send(this.daemon.socket(), "POST",
				"/v1.41/containers/new-name/rename?name=taken", "", "");
		assertThat(conflictJson.status()).isEqualTo(409);
		assertThat(inspect("new-name", "{{.Id}}")).isEqualTo(id);
		assertThat(inspect("taken", "{{.Id}}")).isEqualTo(other);
		docker("rm", "-f", "new-name", "taken").assertOk();
	}

	@Test
	void containerPruneRemovesOnlyStoppedContainersAndListsThem() {
		String created = docker("create", "--name", "p-created", "busybox", "true").assertOk().out().trim();
		assertThat(docker("run", "--name", "p-exited", "busybox", "sh", "-c", "exit 2").exitCode()).isEqualTo(2);
		String exited = inspect("p-exited", "{{.Id}}");
		String running = docker("run", "-d", "--name", "p-running", "busybox", "sleep", "300").assertOk().out().trim();
		DockerCli.Result r = docker("container", "prune", "-f").assertOk();
		assertThat(r.out()).startsWith("Deleted Containers:\n")
			.contains(created + "\n", exited + "\n")
			.doesNotContain(running)
			.contains("Total reclaimed space:");
		assertThat(docker("ps", "-a", "--format", "{{.Names}}").assertOk().out()).isEqualTo("p-running\n");
		assertThat(docker("container", "prune", "-f").assertOk().out()).doesNotContain("Deleted Containers")
			.contains("Total reclaimed space: 0B");
		docker("rm", "-f", "p-running").assertOk();
	}

	@Test
	void containerPruneHonoursALabelFilter() {
		docker("create", "--name", "p-keep", "-l", "prune=no", "busybox", "true").assertOk();
		String go = docker("create", "--name", "p-go", "-l", "prune=yes", "busybox", "true").assertOk().out().trim();
		// Both were created within the hour, so neither is older than "until".
		assertThat(docker("container", "prune", "-f", "--filter", "until=1h").assertOk().out())
			.doesNotContain("Deleted Containers");
		assertThat(docker("ps", "-aq").assertOk().out().lines()).hasSize(2);
		DockerCli.Result r = docker("container", "prune", "-f", "--filter", "label=prune=yes").assertOk();
		assertThat(r.out()).contains(go).doesNotContain(inspect("p-keep", "{{.Id}}"));
		assertThat(docker("ps", "-a", "--format", "{{.Names}}").assertOk().out()).isEqualTo("p-keep\n");
		docker("container", "prune", "-f", "--filter", "label!=prune=no").assertOk();
		assertThat(docker("ps", "-a", "--format", "{{.Names}}").assertOk().out()).isEqualTo("p-keep\n");
		DockerCli.Result bad = docker("container", "prune", "-f", "--filter", "bogus=1");
		assertThat(bad.exitCode()).isNotZero();
		assertThat(bad.err()).contains("invalid filter 'bogus'");
		assertThat(docker("ps", "-a", "--format", "{{.Names}}").assertOk().out()).isEqualTo("p-keep\n");
		docker("rm", "p-keep").assertOk();
	}

	@Test
	void startOfAStartedContainerAndStopOfAStoppedOneSucceedWithoutChange() throws Exception {
		docker("run", "-d", "--name", "steady", "busybox", "sh", "-c", STOPPABLE).assertOk();
		String started = inspect("steady", "{{.State.StartedAt}}");
		assertThat(docker("start", "steady").assertOk().out()).isEqualTo("steady\n");
		assertThat(inspect("steady", "{{.State.StartedAt}}")).isEqualTo(started);
		assertThat(RawHttp.send(this.daemon.socket(), "POST", "/v1.41/containers/steady/start", "", "").status())
			.isEqualTo(304);
		docker("stop", "steady").assertOk();
		String finished = inspect("steady", "{{.State.FinishedAt}}");
		assertThat(docker("stop", "steady").assertOk().out()).isEqualTo("steady\n");
		assertThat(RawHttp.send(this.daemon.socket(), "POST", "/v1.41/containers/steady/stop", "", "").status())
			.isEqualTo(304);
		assertThat(inspect("steady", "{{.State.Status}} {{.State.FinishedAt}}")).isEqualTo("exited " + finished);
		docker("rm", "steady").assertOk();
	}

	@Test
	void psListsAndFiltersByStatusNameAndId() {
		String created = docker("create", "--name", "ps-created", "busybox", "true").assertOk().out().trim();
		assertThat(docker("run", "--name", "ps-exited", "busybox", "sh", "-c", "exit 3").exitCode()).isEqualTo(3);
		String exited = inspect("ps-exited", "{{.Id}}");
		String running = docker("run", "-d", "--name", "ps-running", "busybox", "sh", "-c", STOPPABLE).assertOk()
			.out()
			.trim();
		assertThat(docker("ps", "-q").assertOk().out()).isEqualTo(running.substring(0, 12) + "\n");
		assertThat(docker("ps", "-a", "-q").assertOk().out().lines().toList()).containsExactlyInAnyOrder(
				created.substring(0, 12), exited.substring(0, 12), running.substring(0, 12));
		assertThat(docker("ps", "-a", "--filter", "status=exited", "--format", "{{.Names}}").assertOk().out())
			.isEqualTo("ps-exited\n");
		assertThat(docker("ps", "--filter", "status=created", "--format", "{{.Names}}").assertOk().out())
			.isEqualTo("ps-created\n");
		assertThat(docker("ps", "-a", "--filter", "status=running", "-q").assertOk().out())
			.isEqualTo(running.substring(0, 12) + "\n");
		assertThat(docker("ps", "-a", "--filter", "name=ps-run", "--format", "{{.Names}}").assertOk().out())
			.isEqualTo("ps-running\n");
		assertThat(docker("ps", "-a", "--filter", "id=" + exited.substring(0, 8), "--format", "{{.Names}}")
			.assertOk()
			.out()).isEqualTo("ps-exited\n");
		assertThat(docker("ps", "-a", "--filter", "name=nosuchname", "-q").assertOk().out()).isEmpty();
		List<String> table = docker("ps", "-a", "--filter", "name=ps-", "--format", "{{.Names}} {{.Status}}")
			.assertOk()
			.out()
			.lines()
			.toList();
		assertThat(table).hasSize(3);
		assertThat(table.get(0)).matches("ps-running Up (Less than a second|\\d+ seconds?)");
		assertThat(table.get(1)).matches("ps-exited Exited \\(3\\) (Less than a second|\\d+ seconds?) ago");
		assertThat(table.get(2)).isEqualTo("ps-created Created");
		docker("rm", "-f", "ps-created", "ps-exited", "ps-running").assertOk();
	}

	@Test
	void killedLogFollowersStopFollowingWhileTheContainerRuns() throws Exception {
		docker("run", "-d", "--name", "followed", "busybox", "sh", "-c", STOPPABLE).assertOk();
		int before = inotifyInstances();
		List<Process> followers = new java.util.ArrayList<>();
		for (int i = 0; i < 4; i++) {
			followers.add(new ProcessBuilder(DockerCli.DOCKER, "-H", "unix://" + this.daemon.socket(), "logs", "-f",
					"followed")
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start());
		}
		// Each follower watches the log file with an inotify instance of its own while it waits for lines.
		awaitInotifyInstances(before + 4);
		for (Process p : followers) {
			p.destroyForcibly();
			p.waitFor(10, TimeUnit.SECONDS);
		}
		// The container still runs and writes nothing: only the clients going away can end the requests.
		awaitInotifyInstances(before);
		assertThat(inspect("followed", "{{.State.Status}}")).isEqualTo("running");
		docker("rm", "-f", "followed").assertOk();
	}

	@Test
	void killedWaitersLeaveNoRequestWaiting() throws Exception {
		docker("run", "-d", "--name", "awaited", "busybox", "sh", "-c", STOPPABLE).assertOk();
		List<Process> waiters = new java.util.ArrayList<>();
		for (int i = 0; i < 3; i++) {
			waiters.add(new ProcessBuilder(DockerCli.DOCKER, "-H", "unix://" + this.daemon.socket(), "wait", "awaited")
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.redirectError(ProcessBuilder.Redirect.DISCARD)
				.start());
		}
		awaitThreadsIn("ContainersController.waitFor", 3, Integer.MAX_VALUE);
		for (Process p : waiters) {
			p.destroyForcibly();
			p.waitFor(10, TimeUnit.SECONDS);
		}
		// The container still runs: only the clients going away can end the requests.
		awaitThreadsIn("ContainersController.waitFor", 0, 0);
		assertThat(inspect("awaited", "{{.State.Status}}")).isEqualTo("running");
		docker("rm", "-f", "awaited").assertOk();
	}

	/** Waits until between {@code min} and {@code max} of the daemon's threads are in {@code frame}, per jstack. */
	private void awaitThreadsIn(String frame, int min, int max) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		int now = threadsIn(frame);
		while ((now < min || now > max) && System.nanoTime() < deadline) {
			Thread.sleep(200);
			now = threadsIn(frame);
		}
		assertThat(now).as("daemon threads in %s", frame).isBetween(min, max);
	}

	private int threadsIn(String frame) throws Exception {
		Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
				Long.toString(this.daemon.pid()))
			.redirectErrorStream(true)
			.start();
		String dump = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
		assertThat(p.waitFor()).as(dump).isZero();
		int n = 0;
		for (String thread : dump.split("\n\n")) {
			if (thread.contains(frame)) {
				n++;
			}
		}
		return n;
	}

	private void awaitInotifyInstances(int expected) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		int now = inotifyInstances();
		while (now != expected && System.nanoTime() < deadline) {
			Thread.sleep(100);
			now = inotifyInstances();
		}
		assertThat(now).as("the daemon's inotify instances").isEqualTo(expected);
	}

	/** The daemon's open inotify instances, from its file descriptors. */
	private int inotifyInstances() throws Exception {
		int n = 0;
		try (var fds = Files.list(Path.of("/proc", Long.toString(this.daemon.pid()), "fd"))) {
			for (Path fd : (Iterable<Path>) fds::iterator) {
				try {
					if (Files.readSymbolicLink(fd).toString().equals("anon_inode:inotify")) {
						n++;
					}
				}
				catch (java.io.IOException ex) {
					// Closed while we looked.
				}
			}
		}
		return n;
	}

	@Test
	void logsSinceAndUntilSplitTheOutputByTime() {
		docker("run", "--name", "timed", "busybox", "sh", "-c", "echo early; sleep 1.5; echo late").assertOk();
		List<String> stamped = docker("logs", "-t", "timed").assertOk().out().lines().toList();
		assertThat(stamped).hasSize(2);
		assertThat(stamped.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z early");
		assertThat(stamped.get(1)).endsWith(" late");
		Instant early = Instant.parse(stamped.get(0).split(" ")[0]);
		Instant late = Instant.parse(stamped.get(1).split(" ")[0]);
		assertThat(Duration.between(early, late)).isGreaterThan(Duration.ofMillis(1000));
		String middle = early.plus(Duration.between(early, late).dividedBy(2)).toString();
		assertThat(docker("logs", "--since", middle, "timed").assertOk().out()).isEqualTo("late\n");
		assertThat(docker("logs", "--until", middle, "timed").assertOk().out()).isEqualTo("early\n");
		assertThat(docker("logs", "--since", late.plusSeconds(1).toString(), "timed").assertOk().out()).isEmpty();
		assertThat(docker("logs", "-t", "--tail", "1", "timed").assertOk().out()).isEqualTo(stamped.get(1) + "\n");
		assertThat(docker("logs", "--tail", "0", "timed").assertOk().out()).isEmpty();
		docker("rm", "timed").assertOk();
	}

	/** Polls the container's logs until they are exactly {@code expected}. */
	private void awaitLogs(String name, String expected) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		String last = docker("logs", name).assertOk().out();
		while (!last.equals(expected) && System.nanoTime() < deadline) {
			BerthDaemon.sleep(100);
			last = docker("logs", name).assertOk().out();
		}
		assertThat(last).isEqualTo(expected);
	}

	private int logLines(String name) {
		return (int) docker("logs", name).assertOk().out().lines().count();
	}

	private void awaitLogLines(String name, int atLeast) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (logLines(name) < atLeast && System.nanoTime() < deadline) {
			BerthDaemon.sleep(100);
		}
		assertThat(logLines(name)).isGreaterThanOrEqualTo(atLeast);
	}

}
