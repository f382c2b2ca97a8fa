package io.berth.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived native command with a deadline and returns what it printed. */
final class ProcessRunner {

	private ProcessRunner() {
	}

	record Output(int exitCode, String stdout, String stderr) {

		/** The last non-empty stderr line, which is where our binaries put their one-line error. */
		String error() {
			List<String> lines = this.stderr.lines().filter((l) -> !l.isBlank()).toList();
			String line = lines.isEmpty() ? "exit status " + this.exitCode : lines.get(lines.size() - 1);
			return line.replaceFirst("^(berth-runtime|berth-monitor): ", "");
		}

	}

	static Output run(List<String> command, long timeoutSeconds) {
		try {
			Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File(
					"/dev/null"))).start();
			CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
			byte[] out = readAll(p.getInputStream());
			if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				throw new RuntimeCommandException(command.get(0) + " did not finish within " + timeoutSeconds + " s");
			}
			return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8),
					new String(err.join(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new RuntimeCommandException("cannot run " + command.get(0) + ": " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RuntimeCommandException("interrupted while running " + command.get(0));
		}
	}

	private static byte[] readAll(java.io.InputStream in) {
		try (in) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			return new byte[0];
		}
	}

}
