package io.berth.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import io.berth.paths.EnginePaths;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Starts berth-monitor processes and talks to them over their unix sockets (protocol in
 * docker-native/src/monitor/main.c): ATTACH, START, RESIZE and CLOSE-STDIN.
 */
@Component
public class MonitorClient {

	private static final long LAUNCH_TIMEOUT_SECONDS = 60;

	private final NativeBinaries binaries;

	private final EnginePaths paths;

	private final JsonMapper json = JsonMapper.builder().build();

	public MonitorClient(NativeBinaries binaries, EnginePaths paths) {
		this.binaries = binaries;
		this.paths = paths;
	}

	/** The socket path of a container's monitor; short, because unix socket paths are limited to 107 bytes. */
	public Path socketOf(String id) {
		return this.paths.monitors().resolve(id.substring(0, 32) + ".sock");
	}

	/**
	 * Starts a monitor, which creates the container (not yet started) and detaches; returns the init's host pid.
	 * @throws RuntimeCommandException with the runtime's own message when creation fails
	 */
	public int launch(MonitorSpec spec) {
		List<String> cmd = new ArrayList<>(List.of(this.binaries.monitor().toString(), "--runtime",
				this.binaries.runtime().toString(), "--runtime-root", this.paths.runtimeRoot().toString(), "--bundle",
				spec.bundle().toString(), "--id", spec.id(), "--log", spec.log().toString(), "--exit-file",
				spec.exitFile().toString(), "--socket", spec.socket().toString()));
		addStdio(cmd, spec.terminal(), spec.stdin(), spec.stdinOnce());
		if (!spec.lowerDirs().isEmpty()) {
			cmd.addAll(List.of("--overlay-lower",
					spec.lowerDirs().stream().map(Path::toString).collect(Collectors.joining(":")), "--overlay-upper",
					spec.upperDir().toString(), "--overlay-work", spec.workDir().toString()));
		}
		if (spec.netns() != null) {
			cmd.addAll(List.of("--netns", spec.netns().toString()));
			for (String attach : spec.netAttach()) {
				cmd.addAll(List.of("--net-attach", attach));
			}
			for (String publish : spec.publish()) {
				cmd.addAll(List.of("--publish", publish));
			}
		}
		ProcessRunner.Output out = run(cmd);
		try {
			return Integer.parseInt(out.stdout().trim());
		}
		catch (NumberFormatException ex) {
			throw new RuntimeCommandException("berth-monitor printed no pid: " + out.stdout());
		}
	}

	/** The socket of an exec's monitor. */
	public Path execSocketOf(String execId) {
		return this.paths.monitors().resolve("x" + execId.substring(0, 31) + ".sock");
	}

	/**
	 * Starts a monitor in exec mode for a process in a running container; with {@code start} the process runs at once,
	 * otherwise on START. @throws RuntimeCommandException with the runtime's message
	 */
	public void launchExec(ExecMonitorSpec spec) {
		List<String> cmd = new ArrayList<>(List.of(this.binaries.monitor().toString(), "--exec-process",
				spec.processFile().toString(), "--runtime", this.binaries.runtime().toString(), "--runtime-root",
				this.paths.runtimeRoot().toString(), "--id", spec.containerId(), "--exit-file",
				spec.exitFile().toString(), "--pid-file", spec.pidFile().toString(), "--socket",
				spec.socket().toString()));
		addStdio(cmd, spec.terminal(), spec.stdin(), spec.stdinOnce());
		if (spec.start()) {
			cmd.add("--start");
		}
		run(cmd);
	}

	private static void addStdio(List<String> cmd, boolean terminal, boolean stdin, boolean stdinOnce) {
		if (terminal) {
			cmd.add("--terminal");
		}
		if (stdin) {
			cmd.add("--stdin");
		}
		if (stdinOnce) {
			cmd.add("--stdin-once");
		}
	}

	/** Runs a monitor launch; the monitor detaches once it is ready, so this returns quickly. */
	private static ProcessRunner.Output run(List<String> cmd) {
		ProcessRunner.Output out = ProcessRunner.run(cmd, LAUNCH_TIMEOUT_SECONDS);
		if (out.exitCode() != 0) {
			throw new RuntimeCommandException(out.error());
		}
		return out;
	}

	/** Sends a one-line request (START, RESIZE r c, CLOSE-STDIN) and returns the reply without its newline. */
	public String request(Path socket, String line) {
		try (SocketChannel ch = connect(socket)) {
			ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
			String reply = readLine(Channels.newInputStream(ch));
			if (reply.startsWith("ERR ")) {
				throw new RuntimeCommandException(reply.substring(4));
			}
			return reply;
		}
		catch (IOException ex) {
			throw new RuntimeCommandException("monitor " + socket + ": " + ex.getMessage());
		}
	}

	/**
	 * Opens an ATTACH connection for the named streams ({@code stdin}, {@code stdout}, {@code stderr}); none at all
	 * makes a connection that only closes when the container exits. The caller owns the channel.
	 */
	public SocketChannel attach(Path socket, boolean stdin, boolean stdout, boolean stderr) throws IOException {
		SocketChannel ch = connect(socket);
		StringBuilder line = new StringBuilder("ATTACH");
		if (stdin) {
			line.append(" stdin");
		}
		if (stdout) {
			line.append(" stdout");
		}
		if (stderr) {
			line.append(" stderr");
		}
		ch.write(ByteBuffer.wrap(line.append('\n').toString().getBytes(StandardCharsets.US_ASCII)));
		ByteBuffer ok = ByteBuffer.allocate(3);
		while (ok.hasRemaining()) {
			if (ch.read(ok) < 0) {
				ch.close();
				throw new IOException("monitor closed the connection");
			}
		}
		if (!"OK\n".equals(new String(ok.array(), StandardCharsets.US_ASCII))) {
			ch.close();
			throw new IOException("monitor refused ATTACH");
		}
		return ch;
	}

	public boolean isAlive(Path socket) {
		try (SocketChannel ch = connect(socket)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Reads a monitor's exit record, or empty when it has not written one. */
	public Optional<ExitRecord> readExit(Path exitFile) {
		try {
			JsonNode n = this.json.readTree(Files.readString(exitFile));
			return Optional.of(new ExitRecord(n.path("exitCode").asInt(), n.path("signal").asInt(),
					n.path("oomKilled").asBoolean(), instant(n.path("startedAt").asText("")),
					instant(n.path("finishedAt").asText(""))));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException | RuntimeException ex) {
			throw new RuntimeCommandException("cannot read " + exitFile + ": " + ex.getMessage());
		}
	}

	private static Instant instant(String s) {
		return s.isEmpty() ? Instant.EPOCH : Instant.parse(s);
	}

	private static SocketChannel connect(Path socket) throws IOException {
		SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			ch.connect(UnixDomainSocketAddress.of(socket));
			return ch;
		}
		catch (IOException ex) {
			ch.close();
			throw ex;
		}
	}

	private static String readLine(InputStream in) throws IOException {
		StringBuilder b = new StringBuilder();
		for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
			b.append((char) c);
		}
		return b.toString();
	}

}
