package io.berth.it;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The container lifecycle and isolation, driven end to end by the real docker CLI against a real daemon that uses
 * berth-runtime; {@link RuncContainersIT} runs the same cases with runc as the runtime.
 */
class ContainersIT extends BusyboxDaemonSupport {

	@Test
	void runRmEchoPrintsHiAndLeavesNothing() {
		DockerCli.Result r = docker("run", "--rm", "busybox", "echo", "hi").assertOk();
		assertThat(r.out()).isEqualTo("hi\n");
		assertThat(leftovers()).isBlank();
	}

	/** Containers left over, shown with their command so a failure says which test left them. */
	private String leftovers() {
		return docker("ps", "-a", "--format", "{{.ID}} {{.Command}} {{.Status}}").assertOk().out();
	}

	@Test
	void exitCodeIsPropagated() {
		assertThat(docker("run", "--rm", "busybox", "sh", "-c", "exit 3").exitCode()).isEqualTo(3);
	}

	@Test
	void stdoutAndStderrAreKeptApart() {
		DockerCli.Result r = docker("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2").assertOk();
		assertThat(r.out()).isEqualTo("out\n");
		assertThat(r.err()).isEqualTo("err\n");
	}

	@Test
	void shellIsPidOneWithTheContainersHostname() {
		DockerCli.Result r = docker("run", "--rm", "--hostname", "box", "busybox", "sh", "-c", "echo $$; hostname")
			.assertOk();
		assertThat(r.out()).isEqualTo("1\nbox\n");
	}

	@Test
	void rootIsAnOverlayAndHostPathsAreNotVisible(@TempDir Path temp) throws Exception {
		IsolationChecks.assertOverlayRootWithoutHostPaths(this::runSh, IsolationChecks.hostMarker(temp));
	}

	@Test
	void defaultHardeningMatchesDocker() {
		IsolationChecks.assertDefaultHardening(this::runSh);
	}

	/** A new container running the script. */
	private DockerCli.Result runSh(String script) {
		return docker("run", "--rm", "busybox", "sh", "-c", script);
	}

	@Test
	void memoryLimitKillsAnAllocationWithOomKilled() {
		IsolationChecks.assertMemoryLimitOomKills(this.daemon, "oom");
	}

	@Test
	void pidsLimitStopsAForkBomb() {
		IsolationChecks.assertPidsLimitStopsAForkBomb(this.daemon);
	}

	@Test
	void privilegedGetsTheHostsBoundingSet() throws Exception {
		IsolationChecks.assertPrivilegedGetsTheHostsBoundingSet(this.daemon);
	}

	@Test
	void detachedContainerShowsInPsAndStopsAndIsRemoved() {
		String id = docker("run", "-d", "--name", "sleeper", "-l", "team=dock", "busybox", "sleep", "300").assertOk()
			.out()
			.trim();
		assertThat(id).hasSize(64);
		assertThat(docker("ps", "--format", "{{.Names}} {{.Status}}").assertOk().out()).startsWith("sleeper Up");
		assertThat(docker("ps", "-q", "--filter", "label=team=dock").assertOk().out().trim())
			.isEqualTo(id.substring(0, 12));
		assertThat(docker("rm", "sleeper").exitCode()).isEqualTo(1);
		docker("stop", "-t", "1", "sleeper").assertOk();
		assertThat(docker("inspect", "-f", "{{.State.Status}}", "sleeper").assertOk().out()).isEqualTo("exited\n");
		docker("rm", "sleeper").assertOk();
		assertThat(docker("ps", "-aq", "--filter", "name=sleeper").assertOk().out()).isBlank();
	}

	@Test
	void logsShowWhatTheContainerPrinted() {
		docker("run", "--name", "talker", "busybox", "sh", "-c", "echo one; echo two >&2; echo three").assertOk();
		DockerCli.Result all = docker("logs", "talker").assertOk();
		assertThat(all.out()).isEqualTo("one\nthree\n");
		assertThat(all.err()).isEqualTo("two\n");
		docker("run", "--name", "counter", "busybox", "sh", "-c", "echo a; echo b; echo c").assertOk();
		assertThat(docker("logs", "--tail", "1", "counter").assertOk().out()).isEqualTo("c\n");
		docker("rm", "counter").assertOk();
		assertThat(docker("logs", "-t", "talker").assertOk().out()).matches("(?s)\\d{4}-\\d\\d-\\d\\dT.*Z one\n.*");
		docker("rm", "talker").assertOk();
	}

	@Test
	void badInputGetsClearErrors() {
		assertThat(docker("run", "--rm", "--name", "bad name", "busybox", "true").err())
			.contains("Invalid container name");
		assertThat(docker("run", "--rm", "-m", "1k", "busybox", "true").err())
			.contains("Minimum memory limit allowed is 6MB");
		assertThat(docker("run", "--rm", "-v", "/nonexistent-berth-src:/data", "busybox", "true").err())
			.contains("bind source path does not exist");
		assertThat(docker("run", "--rm", "-v", "/tmp:/../../etc", "busybox", "true").exitCode()).isNotZero();
		assertThat(docker("run", "--rm", "--cpus", "1000", "busybox", "true").err()).contains("Range of CPUs");
		assertThat(docker("ps", "-aq", "--filter", "status=created").assertOk().out()).isBlank();
	}

	@Test
	void execRunsInsideTheContainerWithItsOptions() {
		docker("run", "-d", "--name", "host", "--hostname", "inside", "busybox", "sleep", "300").assertOk();
		DockerCli.Result r = docker("exec", "host", "sh", "-c", "hostname; ps -o comm | grep -c sleep; exit 3");
		assertThat(r.exitCode()).isEqualTo(3);
		assertThat(r.out()).isEqualTo("inside\n1\n");
		assertThat(docker("exec", "-e", "FOO=bar", "-w", "/tmp", "-u", "65534", "host", "sh", "-c",
				"echo $FOO; pwd; id -u").assertOk().out()).isEqualTo("bar\n/tmp\n65534\n");
		assertThat(this.daemon.dockerWithInput("piped\n".getBytes(), "exec", "-i", "host", "cat").assertOk().out())
			.isEqualTo("piped\n");
		assertThat(docker("exec", "-t", "host", "sh", "-c", "test -t 0 && echo tty").assertOk().out())
			.isEqualTo("tty\r\n");
		docker("exec", "-d", "host", "sh", "-c", "echo detached > /tmp/mark").assertOk();
		assertThat(waitForFile("host", "/tmp/mark")).isEqualTo("detached\n");
		docker("rm", "-f", "host").assertOk();
		assertThat(docker("exec", "host", "true").err()).contains("No such container: host");
	}

	/** A detached exec finishes on its own time; read its file once it is there. */
	private String waitForFile(String container, String path) {
		DockerCli.Result r = null;
		for (int i = 0; i < 50; i++) {
			r = docker("exec", container, "cat", path);
			if (r.ok()) {
				return r.out();
			}
			BerthDaemon.sleep(100);
		}
		return r.err();
	}

	@Test
	void malformedRequestsGetA400WithAMessageAndCreateNothing() throws Exception {
		java.nio.file.Path socket = this.daemon.socket();
		RawHttp.Response malformed = RawHttp.send(socket, "POST", "/v1.41/containers/create", "", "{\"Image\": ");
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.body()).contains("\"message\":\"invalid JSON");
		RawHttp.Response wrongType = RawHttp.send(socket, "POST", "/v1.41/containers/create", "",
				"{\"Image\": \"busybox\", \"Cmd\": 5}");
		assertThat(wrongType.status()).isEqualTo(400);
		assertThat(wrongType.body()).contains("Cmd");
		RawHttp.Response badLimit = RawHttp.send(socket, "POST", "/v1.41/containers/create", "",
				"{\"Image\": \"busybox\", \"Cmd\": [\"true\"], \"HostConfig\": {\"Memory\": \"lots\"}}");
		assertThat(badLimit.status()).isEqualTo(400);
		RawHttp.Response huge = RawHttp.send(socket, "GET", "/v1.41/containers/json",
				"X-Padding: " + "a".repeat(70_000) + "\r\n", "");
		assertThat(huge.status()).isBetween(400, 499);
		RawHttp.Response tooNew = RawHttp.send(socket, "GET", "/v1.99/containers/json", "", "");
		assertThat(tooNew.status()).isEqualTo(400);
		assertThat(tooNew.body()).contains("is too new");
		assertThat(leftovers()).isBlank();
	}

	@Test
	void unknownSignalIsRefusedAndTheContainerKeepsRunning() {
		docker("run", "-d", "--name", "target", "busybox", "sleep", "300").assertOk();
		DockerCli.Result r = docker("kill", "-s", "SIGBOGUS", "target");
		assertThat(r.exitCode()).isNotZero();
		assertThat(r.err()).contains("Invalid signal: SIGBOGUS");
		assertThat(docker("inspect", "-f", "{{.State.Status}}", "target").assertOk().out()).isEqualTo("running\n");
		docker("rm", "-f", "target").assertOk();
	}

	@Test
	void unknownContainerIsA404() {
		DockerCli.Result r = docker("stop", "nosuchcontainer");
		assertThat(r.exitCode()).isEqualTo(1);
		assertThat(r.err()).contains("No such container: nosuchcontainer");
	}

	static List<String> lines(String s) {
		return s.lines().toList();
	}

}
