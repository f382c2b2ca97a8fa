package io.berth.dashboard.live;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.berth.dashboard.security.AuditLog;
import io.berth.error.ForbiddenException;
import io.berth.error.InvalidParameterException;
import io.berth.container.ExecInstance;
import io.berth.container.ExecService;
import io.berth.dashboard.api.DashboardContainers;
import io.berth.runtime.MonitorClient;
import io.berth.users.Role;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * {@code term:<n>}: a tty exec in a running container, as {@code docker exec -it} makes one. The exec's monitor
 * owns the pty; this relays the tab's keystrokes to it and its output, decoded as UTF-8 across reads, to the tab.
 */
@Component
class TerminalChannel {

	private static final Log logger = LogFactory.getLog(TerminalChannel.class);

	private final ExecService execs;

	private final MonitorClient monitors;

	private final DashboardContainers containers;

	private final AuditLog audit;

	TerminalChannel(ExecService execs, MonitorClient monitors, DashboardContainers containers, AuditLog audit) {
		this.execs = execs;
		this.monitors = monitors;
		this.containers = containers;
		this.audit = audit;
	}

	/** A terminal in use: where its input goes and how it is resized. */
	final class Terminal implements AutoCloseable {

		private final ExecInstance exec;

		private final SocketChannel monitor;

		Terminal(ExecInstance exec, SocketChannel monitor) {
			this.exec = exec;
			this.monitor = monitor;
		}

		void input(String data) throws IOException {
			ByteBuffer b = StandardCharsets.UTF_8.encode(data);
			while (b.hasRemaining()) {
				this.monitor.write(b);
			}
		}

		void resize(int cols, int rows) {
			TerminalChannel.this.execs.resize(this.exec.id(), rows, cols);
		}

		@Override
		public void close() throws IOException {
			// A closed terminal hangs up its shell, as closing a terminal window does, rather than leave it running.
			TerminalChannel.this.execs.hangUp(this.exec);
			this.monitor.close();
		}

	}

	Terminal open(LiveSession session, String channel, JsonNode request) {
		if (!session.user().may(Role.OPERATOR)) {
			throw new ForbiddenException("\"" + session.user().username() + "\" is a " + session.user().role().wireName()
					+ "; a terminal needs the operator role");
		}
		String container = Channel.text(request, "container");
		String cmd = Channel.text(request, "cmd");
		String user = Channel.text(request, "user");
		if (container == null || cmd == null || cmd.isBlank()) {
			throw new InvalidParameterException("a terminal needs a container and a command");
		}
		int cols = clamp(request.path("cols").asInt(80));
		int rows = clamp(request.path("rows").asInt(24));
		List<String> argv = List.of(cmd.trim().split("\\s+"));
		ExecInstance exec = this.execs.create(container, argv, List.of("TERM=xterm-256color"),
				(user != null) ? user.trim() : "", "", true, true, true, true, false);
		this.execs.launch(exec, false);
		SocketChannel monitor;
		try {
			monitor = this.monitors.attach(exec.socket(), true, true, true);
		}
		catch (IOException ex) {
			throw new io.berth.error.SystemException("cannot attach to the terminal: " + ex.getMessage(), ex);
		}
		this.execs.run(exec);
		try {
			this.execs.resize(exec.id(), rows, cols);
		}
		catch (RuntimeException ex) {
			// The command may already have ended (a shell that does not exist); its output says why.
		}
		String name = this.containers.nameOf(exec.containerId());
		this.audit.record(session.user().username(), "container.exec", exec.containerId(), name,
				"ok, " + String.join(" ", argv) + ((user != null && !user.isBlank()) ? " as " + user : ""));
		Thread reader = new Thread(() -> pump(session, channel, exec, monitor), "dashboard-term");
		reader.setDaemon(true);
		reader.start();
		return new Terminal(exec, monitor);
	}

	/** The monitor frames output as Docker's stream does; a tty has one stream, so only the payloads matter. */
	private void pump(LiveSession session, String channel, ExecInstance exec, SocketChannel monitor) {
		CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPLACE)
			.onUnmappableCharacter(CodingErrorAction.REPLACE);
		ByteBuffer pending = ByteBuffer.allocate(64 * 1024 + 8);
		CharBuffer chars = CharBuffer.allocate(64 * 1024 + 8);
		try {
			InputStream in = Channels.newInputStream(monitor);
			byte[] header = new byte[8];
			while (in.readNBytes(header, 0, 8) == 8) {
				int len = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
						| (header[7] & 0xff);
				while (len > 0) {
					int n = in.read(pending.array(), pending.position(), Math.min(len, pending.remaining()));
					if (n < 0) {
						break;
					}
					pending.position(pending.position() + n);
					len -= n;
					pending.flip();
					decoder.decode(pending, chars, false);
					pending.compact();
					chars.flip();
					if (chars.hasRemaining()) {
						session.send(Map.of("ch", channel, "data", chars.toString()));
					}
					chars.clear();
				}
			}
		}
		catch (IOException ex) {
			logger.debug("terminal " + exec.id() + " ended: " + ex.getMessage());
		}
		int code = this.execs.awaitExit(exec);
		session.send(Map.of("ch", channel, "exit", code));
	}

	private static int clamp(int n) {
		return Math.max(1, Math.min(n, 1000));
	}

}
