package io.berth.it;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The base of the integration tests: one real daemon per test class, started before its tests and closed (every
 * container removed) after them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DaemonSupport {

	protected BerthDaemon daemon;

	/** Extra daemon arguments, such as another OCI runtime. */
	protected String[] daemonArgs() {
		return new String[0];
	}

	/** Runs once the daemon answers, for what a class needs first (an image, a fixture). */
	protected void prepare() throws Exception {
	}

	@BeforeAll
	final void startDaemon() throws Exception {
		this.daemon = BerthDaemon.start(daemonArgs());
		prepare();
	}

	@AfterAll
	final void stopDaemon() throws Exception {
		if (this.daemon != null) {
			this.daemon.close();
		}
	}

	protected DockerCli.Result docker(String... args) {
		return this.daemon.docker(args);
	}

	/** {@code docker inspect -f FORMAT NAME}, trimmed. */
	protected String inspect(String name, String format) {
		return docker("inspect", "-f", format, name).assertOk().out().trim();
	}

	/** Polls inspect until it shows {@code expected}, failing with the last value after a deadline. */
	protected void awaitInspect(String name, String format, String expected) {
		awaitInspect(name, format, expected, 30);
	}

	/** As {@link #awaitInspect(String, String, String)}, with a deadline of {@code seconds}. */
	protected void awaitInspect(String name, String format, String expected, int seconds) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		String last = inspect(name, format);
		while (!last.equals(expected) && System.nanoTime() < deadline) {
			BerthDaemon.sleep(100);
			last = inspect(name, format);
		}
		assertThat(last).isEqualTo(expected);
	}

}
