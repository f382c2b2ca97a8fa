package io.berth.it;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker events}: replay with since/until (also across a restart), live streaming, filters, and streams that
 * end as soon as their clients go away.
 */
class EventsIT extends DaemonSupport {

	/** The form the CLI itself sends: seconds and nine digits of fraction. */
	private static String stamp(Instant t) {
		return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
	}

	@Test
	void sinceUntilReplaysVolumeEventsInTheClisFormatAlsoAfterARestart() throws Exception {
		String t0 = stamp(Instant.now());
		docker("volume", "create", "ev-vol").assertOk();
		docker("volume", "rm", "ev-vol").assertOk();
		String t1 = stamp(Instant.now());
		String line = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z volume %s ev-vol \\(driver=local\\)";
		String out = docker("events", "--since", t0, "--until", t1, "--filter", "type=volume").assertOk().out();
		List<String> lines = out.lines().toList();
		assertThat(lines).hasSize(2);
		assertThat(lines.get(0)).matches(String.format(line, "create"));
		assertThat(lines.get(1)).matches(String.format(line, "destroy"));

		daemon.stop();
		daemon.launch();
		assertThat(docker("events", "--since", t0, "--until", t1, "--filter", "type=volume").assertOk().out())
			.isEqualTo(out);
		assertThat(docker("events", "--since", t0, "--until", t1, "--filter", "event=destroy").assertOk().out())
			.isEqualTo(lines.get(1) + "\n");
		assertThat(docker("events", "--since", t0, "--until", t1, "--filter", "type=container").assertOk().out())
			.isEmpty();
	}

	@Test
	void liveEventsStreamUntilTheUntilTimePasses() throws Exception {
		Instant now = Instant.now();
		CompletableFuture<DockerCli.Result> listening = CompletableFuture.supplyAsync(() -> docker("events",
				"--since", stamp(now), "--until", stamp(now.plusSeconds(4)), "--format", "{{json .}}"));
		Thread.sleep(1000);
		docker("volume", "create", "--label", "k=v", "ev-live").assertOk();
		DockerCli.Result r = listening.get(30, TimeUnit.SECONDS).assertOk();
		long elapsed = Instant.now().getEpochSecond() - now.getEpochSecond();
		assertThat(elapsed).isLessThan(15);
		assertThat(r.out()).contains("\"Type\":\"volume\"", "\"Action\":\"create\"", "\"ID\":\"ev-live\"",
				"\"scope\":\"local\"", "\"timeNano\":");
		docker("volume", "rm", "ev-live").assertOk();
	}

	@Test
	void filtersInDockerPysListFormAndBadParametersAreRefused() throws Exception {
		String t0 = stamp(Instant.now());
		docker("volume", "create", "ev-py").assertOk();
		docker("volume", "rm", "ev-py").assertOk();
		String t1 = stamp(Instant.now());
		String body = curl("/v1.41/events?since=" + t0 + "&until=" + t1 + "&filters="
				+ URLEncoder.encode("{\"type\":[\"volume\"],\"event\":[\"create\"]}", StandardCharsets.UTF_8));
		assertThat(body.lines().toList()).hasSize(1);
		assertThat(body).contains("\"Action\":\"create\"", "\"ID\":\"ev-py\"").doesNotContain("\"status\"");
		DockerCli.Result bad = docker("events", "--since", t1, "--until", t0);
		assertThat(bad.exitCode()).isNotZero();
		assertThat(bad.err()).contains("cannot be after `until` time");
		DockerCli.Result unknown = docker("events", "--until", t1, "--filter", "bogus=1");
		assertThat(unknown.exitCode()).isNotZero();
		assertThat(unknown.err()).contains("invalid filter 'bogus'");
	}

	@Test
	void retentionKeepsOnlyTheNewestEvents() throws Exception {
		try (BerthDaemon small = BerthDaemon.start("--berth.events.max-stored=3")) {
			String t0 = stamp(Instant.now());
			for (int i = 1; i <= 5; i++) {
				small.docker("volume", "create", "keep" + i).assertOk();
			}
			String t1 = stamp(Instant.now());
			String out = small.docker("events", "--since", t0, "--until", t1, "--format", "{{.Actor.ID}}")
				.assertOk()
				.out();
			assertThat(out).isEqualTo("keep3\nkeep4\nkeep5\n");
		}
	}

	@Test
	void killedClientsLeaveNoSubscriptionBehind() throws Exception {
		int clients = 8;
		List<Process> listening = new ArrayList<>();
		for (int i = 0; i < clients; i++) {
			listening.add(eventsClient());
		}
		awaitListeners(clients);
		for (Process p : listening) {
			p.destroyForcibly();
			p.waitFor(10, TimeUnit.SECONDS);
		}
		// No event is published meanwhile: only the clients going away can end the streams, and with them the
		// request threads that were waiting for the next event.
		awaitListeners(0);
	}

	/** A {@code docker events} process, left running with its output discarded. */
	private Process eventsClient(String... args) throws IOException {
		List<String> cmd = new ArrayList<>(List.of(DockerCli.DOCKER, "-H", "unix://" + daemon.socket(), "events"));
		cmd.addAll(List.of(args));
		return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
	}

	private void awaitListeners(int expected) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		String listeners = "";
		while (System.nanoTime() < deadline) {
			listeners = docker("info", "--format", "{{.NEventsListener}}").assertOk().out().trim();
			if (listeners.equals(Integer.toString(expected))) {
				return;
			}
			Thread.sleep(100);
		}
		assertThat(listeners).as("event listeners").isEqualTo(Integer.toString(expected));
	}

	private String curl(String path) throws IOException, InterruptedException {
		Process p = new ProcessBuilder("curl", "-sf", "--max-time", "20", "--unix-socket", daemon.socket().toString(),
				"http://localhost" + path)
			.redirectErrorStream(true)
			.start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(p.waitFor()).as(out).isZero();
		return out;
	}

}
