package io.berth.it;

import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Containers outlive a daemon killed with SIGKILL, and the restarted daemon picks them up where they are: still
 * isolated and limited, and the containers it starts itself get their limits too.
 */
class LiveRestoreIT extends BusyboxDaemonSupport {

	@TempDir
	Path temp;

	@Test
	void containersSurviveAKilledDaemonWithTheirLogsAndExitCodes() throws Exception {
		daemon.docker("run", "-d", "--name", "survivor", "busybox", "sh", "-c",
				"for i in $(seq 1 30); do echo line$i; sleep 0.1; done; sleep 300").assertOk();
		daemon.docker("run", "-d", "--name", "quitter", "busybox", "sh", "-c", "sleep 2; exit 7").assertOk();
		daemon.docker("run", "-d", "--name", "phoenix", "--restart", "always", "busybox", "sh", "-c",
				"sleep 2; exit 1").assertOk();
		String survivorPid = inspect("survivor", "{{.State.Pid}}");
		daemon.kill9();
		// Meanwhile quitter and phoenix exit and survivor keeps logging, with no engine running.
		Thread.sleep(4000);
		daemon.launch();

		assertThat(daemon.docker("ps", "--filter", "name=survivor", "--format", "{{.Status}}").assertOk().out())
			.startsWith("Up");
		// The exits that happened meanwhile are recorded as the daemon starts, in the background.
		awaitInspect("quitter", "{{.State.Status}} {{.State.ExitCode}}", "exited 7", 10);
		String expected = IntStream.rangeClosed(1, 30).mapToObj((i) -> "line" + i + "\n").collect(Collectors.joining());
		assertThat(daemon.docker("logs", "survivor").assertOk().out()).isEqualTo(expected);
		assertThat(restartCountOf("phoenix")).isPositive();

		survivorIsStillIsolated(survivorPid);
		newContainersStillGetTheirLimits();

		daemon.docker("stop", "-t", "1", "survivor").assertOk();
		assertThat(daemon.docker("inspect", "-f", "{{.State.Status}}", "survivor").assertOk().out())
			.isEqualTo("exited\n");
	}

	/** What a fresh container is checked for in {@link ContainersIT}, on the one that outlived its daemon. */
	private void survivorIsStillIsolated(String pid) throws Exception {
		assertThat(inspect("survivor", "{{.State.Pid}}")).isEqualTo(pid);
		// The shell ends by exec'ing its last command, so the init that was started is now sleep.
		assertThat(daemon.docker("exec", "survivor", "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline").assertOk().out())
			.isEqualTo("sleep 300 ");
		IsolationChecks.Shell exec = (script) -> daemon.docker("exec", "survivor", "sh", "-c", script);
		IsolationChecks.assertOverlayRootWithoutHostPaths(exec, IsolationChecks.hostMarker(this.temp));
		IsolationChecks.assertDefaultHardening(exec);
		assertThat(daemon.docker("top", "survivor").assertOk().out())
			.containsPattern("(?m)^root\\s+" + pid + "\\s.* sleep 300$");
		assertThat(daemon.docker("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}} {{.MemUsage}}", "survivor")
			.assertOk()
			.out()).matches("survivor 1 \\d+(\\.\\d+)?(B|KiB|MiB) / \\S+\n").doesNotStartWith("survivor 1 0B");
	}

	/** The restarted daemon's own containers get their memory, pids and capability settings. */
	private void newContainersStillGetTheirLimits() throws Exception {
		IsolationChecks.assertMemoryLimitOomKills(daemon, "oom-after-restore");
		IsolationChecks.assertPidsLimitStopsAForkBomb(daemon);
		IsolationChecks.assertPrivilegedGetsTheHostsBoundingSet(daemon);
	}

	/** The restart policy is applied to the exit the engine missed; it may take a moment to be counted. */
	private int restartCountOf(String name) throws InterruptedException {
		long deadline = System.nanoTime() + 20_000_000_000L;
		int count = 0;
		while (System.nanoTime() < deadline) {
			count = Integer.parseInt(daemon.docker("inspect", "-f", "{{.RestartCount}}", name).assertOk().out().trim());
			if (count > 0) {
				return count;
			}
			Thread.sleep(200);
		}
		return count;
	}

}
