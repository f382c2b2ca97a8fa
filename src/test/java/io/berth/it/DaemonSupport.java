package io.berth.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

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

}
