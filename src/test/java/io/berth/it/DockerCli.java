package io.berth.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The real docker CLI ({@code /usr/local/bin/docker}) pointed at a Berth socket. */
public final class DockerCli {

	public static final String DOCKER = "/usr/local/bin/docker";

	private DockerCli() {
	}

	/** What a CLI run printed and returned. */
	public record Result(int exitCode, String out, String err) {

		public boolean ok() {
			return this.exitCode == 0;
		}

		/** Fails with everything the CLI said when it did not succeed. */
		public Result assertOk() {
			if (!ok()) {
				throw new AssertionError("docker exited " + this.exitCode + "\nstdout: " + this.out + "\nstderr: "
						+ this.err);
			}
			return this;
		}

	}

	public static Result run(Path socket, byte[] stdin, String... args) {
		return run(socket, stdin, Map.of(), args);
	}

	/** Runs the CLI with {@code env} on top of the usual environment, such as another DOCKER_CONFIG for a login. */
	public static Result run(Path socket, byte[] stdin, Map<String, String> env, String... args) {
		List<String> cmd = new ArrayList<>(List.of(DOCKER, "-H", "unix://" + socket));
		cmd.addAll(List.of(args));
		ProcessBuilder pb = new ProcessBuilder(cmd);
		pb.environment().remove("DOCKER_HOST");
		return execute(pb, stdin, env, args);
	}

	/** Runs another Docker client, such as docker-compose, in {@code dir} with DOCKER_HOST set to the socket. */
	public static Result client(Path socket, Path dir, String... command) {
		ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
		pb.environment().put("DOCKER_HOST", "unix://" + socket);
		return execute(pb, null, Map.of(), command);
	}

	private static Result execute(ProcessBuilder pb, byte[] stdin, Map<String, String> env, String... args) {
		pb.environment().put("DOCKER_CONFIG", Path.of(System.getProperty("java.io.tmpdir"), "berth-it-docker-config")
			.toString());
		pb.environment().put("DOCKER_BUILDKIT", "0");
		pb.environment().putAll(env);
		try {
			Process p = pb.start();
			CompletableFuture<byte[]> out = drain(p.getInputStream());
			CompletableFuture<byte[]> err = drain(p.getErrorStream());
			try (OutputStream in = p.getOutputStream()) {
				if (stdin != null) {
					in.write(stdin);
				}
			}
			if (!p.waitFor(120, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				throw new AssertionError("docker " + String.join(" ", args) + " did not finish within 120 s");
			}
			return new Result(p.exitValue(), new String(out.join(), StandardCharsets.UTF_8),
					new String(err.join(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static CompletableFuture<byte[]> drain(InputStream in) {
		return CompletableFuture.supplyAsync(() -> {
			try (in; ByteArrayOutputStream buf = new ByteArrayOutputStream()) {
				in.transferTo(buf);
				return buf.toByteArray();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

}
