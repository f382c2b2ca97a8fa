package io.berth.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Berth daemon in its own JVM, on a temporary data root, exec root and socket, built from
 * {@code target/berth.jar}. Tests drive it with the real docker CLI through {@link #docker}.
 */
public final class BerthDaemon implements AutoCloseable {

	private static final Path JAR = Path.of("target/berth.jar").toAbsolutePath();

	private final Path root;

	private final Path socket;

	private final List<String> extraArgs;

	private Process process;

	private BerthDaemon(Path root, List<String> extraArgs) {
		this.root = root;
		this.socket = root.resolve("exec/berth.sock");
		this.extraArgs = List.copyOf(extraArgs);
	}

	/** Starts a daemon on a new temporary root and waits until its socket answers. */
	public static BerthDaemon start(String... extraArgs) throws IOException {
		Path root = Files.createTempDirectory("berth-it-");
		BerthDaemon daemon = new BerthDaemon(root, List.of(extraArgs));
		daemon.launch();
		return daemon;
	}

	/** Starts the JVM again on the same roots (after {@link #kill9} or {@link #stop}). */
	public void launch() throws IOException {
		List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", JAR.toString(),
				"--berth.data-root=" + this.root.resolve("data"), "--berth.exec-root=" + this.root.resolve("exec"),
				"--berth.api.socket=" + this.socket, "--server.port=0"));
		cmd.addAll(this.extraArgs);
		this.process = new ProcessBuilder(cmd).directory(new File(System.getProperty("user.dir")))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.root.resolve("daemon.log").toFile()))
			.start();
		waitForPing(Duration.ofSeconds(60));
	}

	private void waitForPing(Duration timeout) throws IOException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("daemon exited early:\n" + log());
			}
			if (Files.exists(this.socket) && docker("version", "--format", "{{.Server.Version}}").ok()) {
				return;
			}
			sleep(100);
		}
		throw new IllegalStateException("daemon did not answer within " + timeout + ":\n" + log());
	}

	/** The daemon JVM's process id. */
	public long pid() {
		return this.process.pid();
	}

	public Path root() {
		return this.root;
	}

	public Path socket() {
		return this.socket;
	}

	public Path dataRoot() {
		return this.root.resolve("data");
	}

	/** The dashboard's address, from the port Tomcat reports in the log (the daemon runs with server.port 0). */
	public String dashboardUrl() throws IOException {
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("Tomcat started on ports? (\\d+)").matcher(log());
		int port = -1;
		while (m.find()) {
			port = Integer.parseInt(m.group(1));
		}
		if (port <= 0) {
			throw new IllegalStateException("no dashboard port in the daemon's log");
		}
		return "http://127.0.0.1:" + port;
	}

	public String log() throws IOException {
		Path log = this.root.resolve("daemon.log");
		return Files.exists(log) ? Files.readString(log) : "";
	}

	/** Runs the real docker CLI against this daemon. */
	public DockerCli.Result docker(String... args) {
		return DockerCli.run(this.socket, null, args);
	}

	/** Runs the docker CLI with the given standard input. */
	public DockerCli.Result dockerWithInput(byte[] stdin, String... args) {
		return DockerCli.run(this.socket, stdin, args);
	}

	/** Kills the daemon's JVM with SIGKILL, as a crash would. */
	public void kill9() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	public void stop() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			kill9();
		}
	}

	/** Removes every container (so no monitor, mount or cgroup outlives the test), stops the JVM. */
	@Override
	public void close() throws Exception {
		if (this.process != null && this.process.isAlive()) {
			DockerCli.Result ids = docker("ps", "-aq");
			if (ids.ok() && !ids.out().isBlank()) {
				List<String> args = new ArrayList<>(List.of("rm", "-f", "-v"));
				args.addAll(ids.out().lines().toList());
				docker(args.toArray(String[]::new));
			}
			stop();
		}
	}

	private static String javaBin() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
