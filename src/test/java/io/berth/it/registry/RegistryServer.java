package io.berth.it.registry;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's CNCF distribution registry ({@code docker-registry serve}) on 127.0.0.1 and a free port, storing blobs in
 * a temp dir, optionally behind htpasswd auth. It can be killed and started again on the same port and storage.
 */
public final class RegistryServer implements AutoCloseable {

	private static final Path REGISTRY = Path.of("/usr/bin/docker-registry");

	/** The only account of an auth registry. */
	public static final String USER = "berth-it";

	public static final String PASSWORD = "it-secret-42";

	// bcrypt of PASSWORD, computed once so that the tests need no hashing tool.
	private static final String PASSWORD_BCRYPT = "$2b$10$KoaMCXzRB8t9.FOWBpMTz.2Z7DnMvfHZZFwp6ujUtHHcy0RcIcfD.";

	private final Path dir;

	private final int port;

	private Process process;

	private RegistryServer(Path dir, int port) {
		this.dir = dir;
		this.port = port;
	}

	/** A registry anyone may pull from and push to. */
	public static RegistryServer start() throws IOException {
		return start(false, null);
	}

	/** A registry that wants {@link #USER} and {@link #PASSWORD} for every request. */
	public static RegistryServer startWithAuth() throws IOException {
		return start(true, null);
	}

	/** A registry that wants a bearer token from {@code tokens} for every request, as Docker Hub does. */
	public static RegistryServer startWithTokenAuth(TokenServer tokens) throws IOException {
		return start(false, tokens);
	}

	private static RegistryServer start(boolean auth, TokenServer tokens) throws IOException {
		Path dir = Files.createTempDirectory("berth-it-registry-");
		int port = freePort();
		String config = """
				version: 0.1
				log:
				  level: warn
				storage:
				  filesystem:
				    rootdirectory: %s
				  delete:
				    enabled: true
				http:
				  addr: 127.0.0.1:%d
				  secret: berth-it
				""".formatted(dir.resolve("storage"), port);
		if (auth) {
			Files.writeString(dir.resolve("htpasswd"), USER + ":" + PASSWORD_BCRYPT + "\n");
			config += """
					auth:
					  htpasswd:
					    realm: berth-it
					    path: %s
					""".formatted(dir.resolve("htpasswd"));
		}
		if (tokens != null) {
			config += """
					auth:
					  token:
					    realm: %s
					    service: %s
					    issuer: %s
					    rootcertbundle: %s
					""".formatted(tokens.realm(), TokenServer.SERVICE, TokenServer.ISSUER, tokens.certificate());
		}
		Files.writeString(dir.resolve("config.yml"), config);
		RegistryServer server = new RegistryServer(dir, port);
		server.launch();
		return server;
	}

	/** Starts the registry again, on the same port and storage, after {@link #kill} or {@link #stop}. */
	public void launch() throws IOException {
		this.process = new ProcessBuilder(REGISTRY.toString(), "serve", this.dir.resolve("config.yml").toString())
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.dir.resolve("registry.log").toFile()))
			.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (true) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("registry exited early:\n" + log());
			}
			try (Socket s = new Socket()) {
				s.connect(new InetSocketAddress("127.0.0.1", this.port), 1000);
				return;
			}
			catch (IOException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("registry did not listen within 20 s:\n" + log(), ex);
				}
			}
			sleep(50);
		}
	}

	/** {@code 127.0.0.1:PORT}, the registry part of every image name pushed here. */
	public String host() {
		return "127.0.0.1:" + this.port;
	}

	public int port() {
		return this.port;
	}

	/** The filesystem driver's root; blobs are under {@code docker/registry/v2/blobs/sha256/}. */
	public Path storageDir() {
		return this.dir.resolve("storage");
	}

	/** Where the registry keeps the bytes of {@code digest} ({@code sha256:HEX}). */
	public Path blobData(String digest) {
		String hex = digest.substring("sha256:".length());
		return storageDir().resolve("docker/registry/v2/blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data");
	}

	public String log() throws IOException {
		Path log = this.dir.resolve("registry.log");
		return Files.exists(log) ? Files.readString(log) : "";
	}

	/** Kills the registry with SIGKILL, as a crash would. */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	public void stop() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			kill();
		}
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process != null && this.process.isAlive()) {
			stop();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return s.getLocalPort();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
