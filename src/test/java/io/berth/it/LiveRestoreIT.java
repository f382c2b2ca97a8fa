package io.berth.it;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Containers outlive a daemon killed with SIGKILL, and the restarted daemon picks them up where they are. */
class LiveRestoreIT extends DaemonSupport {

	@Override
	protected void prepare() throws Exception {
		BusyboxImage.importInto(daemon, "busybox:latest");
	}

	@Test
	void containersSurviveAKilledDaemonWithTheirLogsAndExitCodes() throws Exception {
		daemon.docker("run", "-d", "--name", "survivor", "busybox", "sh", "-c",
				"for i in $(seq 1 30); do echo line$i; sleep 0.1; done; sleep 300").assertOk();
		daemon.docker("run", "-d", "--name", "quitter", "busybox", "sh", "-c", "sleep 2; exit 7").assertOk();
		daemon.docker("run", "-d", "--name", "phoenix", "--restart", "always", "busybox", "sh", "-c",
				"sleep 2; exit 1").assertOk();
		daemon.kill9();
		// Meanwhile quitter and phoenix exit and survivor keeps logging, with no engine running.
		Thread.sleep(4000);
		daemon.launch();

		assertThat(daemon.docker("ps", "--filter", "name=survivor", "--format", "{{.Status}}").assertOk().out())
			.startsWith("Up");
		assertThat(daemon.docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "quitter").assertOk().out())
			.isEqualTo("exited 7\n");
		String expected = IntStream.rangeClosed(1, 30).mapToObj((i) -> "line" + i + "\n").collect(Collectors.joining());
		assertThat(daemon.docker("logs", "survivor").assertOk().out()).isEqualTo(expected);
		assertThat(restartCountOf("phoenix")).isPositive();

		daemon.docker("stop", "-t", "1", "survivor").assertOk();
		assertThat(daemon.docker("inspect", "-f", "{{.State.Status}}", "survivor").assertOk().out())
			.isEqualTo("exited\n");
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
