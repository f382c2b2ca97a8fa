package io.berth.api.dockercompat.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.dockercompat.QueryParams;
import io.berth.container.Container;
import io.berth.container.ContainerLifecycle;
import io.berth.container.ContainerService;
import io.berth.container.ContainerState;
import io.berth.error.ConflictException;
import io.berth.runtime.MonitorClient;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /containers/{id}/attach}: answers {@code 101 UPGRADED} and then relays between the client and the
 * container's monitor; multiplexed frames without a tty, a raw stream with one. A client that attaches before start
 * is connected to the monitor before the container's process runs, so it misses no output.
 */
@RestController
class AttachController {

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final MonitorClient monitors;

	AttachController(ContainerService containers, ContainerLifecycle lifecycle, MonitorClient monitors) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.monitors = monitors;
	}

	@PostMapping("/containers/{id}/attach")
	void attach(@PathVariable String id, @RequestParam(required = false) String stdin,
			@RequestParam(required = false) String stdout, @RequestParam(required = false) String stderr,
			HttpServletRequest request, HttpServletResponse response) throws IOException, jakarta.servlet.ServletException {
		Container c = this.containers.get(id);
		if (c.getState() == ContainerState.EXITED || c.getState() == ContainerState.DEAD) {
			throw new ConflictException("You cannot attach to a stopped container, start it first");
		}
		boolean tty = this.lifecycle.isTty(c);
		boolean wantIn = QueryParams.bool(stdin);
		boolean wantOut = QueryParams.bool(stdout);
		boolean wantErr = QueryParams.bool(stderr);
		ContainerLifecycle.PendingAttach pending = this.lifecycle.attachWhenStarted(c);
		response.setStatus(HttpServletResponse.SC_SWITCHING_PROTOCOLS);
		response.setHeader("Content-Type", "application/vnd.docker.raw-stream");
		response.setHeader("Connection", "Upgrade");
		response.setHeader("Upgrade", "tcp");
		HijackedStream stream = request.upgrade(HijackedStream.class);
		stream.session((clientIn, clientOut) -> relay(pending, tty, wantIn, wantOut, wantErr, clientIn, clientOut));
	}

	private void relay(ContainerLifecycle.PendingAttach pending, boolean tty, boolean wantIn, boolean wantOut,
			boolean wantErr, InputStream clientIn, OutputStream clientOut) {
		SocketChannel monitor;
		try {
			Path socket = pending.ready().get();
			monitor = this.monitors.attach(socket, wantIn, wantOut, wantErr);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			pending.connected().complete(null);
			return;
		}
		catch (ExecutionException | IOException ex) {
			pending.connected().complete(null);
			return;
		}
		pending.connected().complete(null);
		try (monitor) {
			if (wantIn) {
				Thread input = new Thread(() -> pumpStdin(clientIn, monitor), "attach-stdin");
				input.setDaemon(true);
				input.start();
			}
			pumpOutput(Channels.newInputStream(monitor), clientOut, tty);
		}
		catch (IOException ex) {
			// The client went away; the container goes on.
		}
	}

	/** The client's stdin to the container; its end (half-close) is passed on as the end of stdin. */
	private static void pumpStdin(InputStream clientIn, SocketChannel monitor) {
		try {
			byte[] buf = new byte[32 * 1024];
			for (int n = clientIn.read(buf); n >= 0; n = clientIn.read(buf)) {
				ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
				while (b.hasRemaining()) {
					monitor.write(b);
				}
			}
			monitor.shutdownOutput();
		}
		catch (IOException ex) {
			// Either side closed.
		}
	}

	/** The monitor always frames its output; a tty client gets the payloads alone. */
	static void pumpOutput(InputStream monitorIn, OutputStream clientOut, boolean tty) throws IOException {
		if (!tty) {
			HijackedStream.copy(monitorIn, clientOut);
			return;
		}
		byte[] header = new byte[8];
		byte[] buf = new byte[32 * 1024];
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
			clientOut.flush();
		}
	}

}
