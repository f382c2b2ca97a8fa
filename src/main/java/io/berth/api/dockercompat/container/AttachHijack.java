package io.berth.api.dockercompat.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.berth.api.dockercompat.QueryParams;
import io.berth.api.transport.HijackHandler;
import io.berth.api.transport.HijackRequest;
import io.berth.container.Container;
import io.berth.container.ContainerLifecycle;
import io.berth.container.ContainerService;
import io.berth.container.ContainerState;
import io.berth.error.ConflictException;
import io.berth.runtime.MonitorClient;

import org.springframework.stereotype.Component;

/**
 * {@code POST /containers/{id}/attach}: relays between the client and the container's monitor, multiplexed frames
 * without a tty and a raw stream with one. A client that attaches before start is connected to the monitor before
 * the container's process runs, so it misses no output.
 */
@Component
class AttachHijack implements HijackHandler {

	private static final Pattern PATH = Pattern.compile("/containers/([^/]+)/attach");

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final MonitorClient monitors;

	AttachHijack(ContainerService containers, ContainerLifecycle lifecycle, MonitorClient monitors) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.monitors = monitors;
	}

	@Override
	public Optional<Session> prepare(HijackRequest request) {
		Matcher m = PATH.matcher(request.path());
		if (!m.matches()) {
			return Optional.empty();
		}
		Container c = this.containers.get(m.group(1));
		if (c.getState() == ContainerState.EXITED || c.getState() == ContainerState.DEAD) {
			throw new ConflictException("You cannot attach to a stopped container, start it first");
		}
		boolean tty = this.lifecycle.isTty(c);
		boolean wantIn = QueryParams.bool(request.query().get("stdin"));
		boolean wantOut = QueryParams.bool(request.query().get("stdout"));
		boolean wantErr = QueryParams.bool(request.query().get("stderr"));
		ContainerLifecycle.PendingAttach pending = this.lifecycle.attachWhenStarted(c);
		return Optional.of((client) -> relay(pending, tty, wantIn, wantOut, wantErr, client));
	}

	private void relay(ContainerLifecycle.PendingAttach pending, boolean tty, boolean wantIn, boolean wantOut,
			boolean wantErr, SocketChannel client) throws IOException {
		SocketChannel monitor;
		try {
			Path socket = pending.ready().get();
			monitor = this.monitors.attach(socket, wantIn, wantOut, wantErr);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (ExecutionException | IOException ex) {
			return;
		}
		finally {
			pending.connected().complete(null);
		}
		try (monitor) {
			relayStreams(client, monitor, wantIn, tty);
		}
	}

	/**
	 * Relays one attached session: the client's stdin to the monitor on a thread of its own when asked for, and the
	 * monitor's output to the client on this one, until the output ends.
	 */
	static void relayStreams(SocketChannel client, SocketChannel monitor, boolean stdin, boolean tty)
			throws IOException {
		if (stdin) {
			Thread input = new Thread(() -> pumpStdin(client, monitor), "attach-stdin");
			input.setDaemon(true);
			input.start();
		}
		pumpOutput(monitor, client, tty);
	}

	/** The client's stdin to the container; its end (a half-close) is passed on as the end of stdin. */
	private static void pumpStdin(SocketChannel client, SocketChannel monitor) {
		ByteBuffer buf = ByteBuffer.allocate(32 * 1024);
		try {
			while (client.read(buf) >= 0) {
				buf.flip();
				while (buf.hasRemaining()) {
					monitor.write(buf);
				}
				buf.clear();
			}
			monitor.shutdownOutput();
		}
		catch (IOException ex) {
			// Either side closed.
		}
	}

	/**
	 * The monitor always frames its output: a client without a tty gets the frames as they are, copied between the
	 * sockets through one direct buffer; a tty client gets the payloads alone.
	 */
	private static void pumpOutput(SocketChannel monitor, SocketChannel client, boolean tty) throws IOException {
		if (!tty) {
			ByteBuffer buf = ByteBuffer.allocateDirect(64 * 1024);
			while (monitor.read(buf) >= 0) {
				buf.flip();
				while (buf.hasRemaining()) {
					client.write(buf);
				}
				buf.clear();
			}
			return;
		}
		InputStream monitorIn = Channels.newInputStream(monitor);
		OutputStream clientOut = Channels.newOutputStream(client);
		byte[] buf = new byte[32 * 1024];
		byte[] header = new byte[8];
		while (monitorIn.readNBytes(header, 0, 8) == 8) {
			int len = ((header[4] & 0xff) << 24) | ((header[5] & 0xff) << 16) | ((header[6] & 0xff) << 8)
					| (header[7] & 0xff);
			while (len > 0) {
				int n = monitorIn.read(buf, 0, Math.min(len, buf.length));
				if (n < 0) {
					return;
				}
				clientOut.write(buf, 0, n);
				len -= n;
			}
		}
	}

}
