package io.berth.it.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 to a registry that slows what the registry sends to a fixed rate, so that a test can kill
 * the registry or the daemon while a layer is surely still on its way. A pull through {@link #host()} is a pull from
 * the registry: only the port differs.
 */
public final class ThrottledLink implements AutoCloseable {

	private static final int CHUNK = 64 * 1024;

	private final ServerSocket listener;

	private final int upstreamPort;

	private final long bytesPerSecond;

	private final AtomicLong relayed = new AtomicLong();

	private ThrottledLink(ServerSocket listener, int upstreamPort, long bytesPerSecond) {
		this.listener = listener;
		this.upstreamPort = upstreamPort;
		this.bytesPerSecond = bytesPerSecond;
	}

	/** Relays to {@code registry}, sending its replies at most at {@code bytesPerSecond}. */
	public static ThrottledLink to(RegistryServer registry, long bytesPerSecond) throws IOException {
		ThrottledLink link = new ThrottledLink(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
				registry.port(), bytesPerSecond);
		Thread acceptor = new Thread(link::accept, "throttled-link-" + link.listener.getLocalPort());
		acceptor.setDaemon(true);
		acceptor.start();
		return link;
	}

	/** {@code 127.0.0.1:PORT} of the relay. */
	public String host() {
		return "127.0.0.1:" + this.listener.getLocalPort();
	}

	/** Bytes the registry has sent through the relay so far. */
	public long relayed() {
		return this.relayed.get();
	}

	/** Waits until the registry has sent {@code bytes} more than {@code since} through the relay. */
	public void awaitRelayed(long since, long bytes, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.relayed.get() - since < bytes) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("only " + (this.relayed.get() - since) + " of " + bytes
						+ " bytes came through the relay within " + timeout);
			}
			pause(20);
		}
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				Socket upstream;
				try {
					upstream = new Socket(InetAddress.getLoopbackAddress(), this.upstreamPort);
				}
				catch (IOException ex) {
					// The registry is down: the client sees its connection close, as with a dead registry.
					client.close();
					continue;
				}
				pump(client, upstream, false);
				pump(upstream, client, true);
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void pump(Socket from, Socket to, boolean throttled) {
		Thread t = new Thread(() -> {
			byte[] buf = new byte[CHUNK];
			long start = System.nanoTime();
			long sent = 0;
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int n;
				while ((n = in.read(buf)) > 0) {
					out.write(buf, 0, n);
					if (throttled) {
						this.relayed.addAndGet(n);
						sent += n;
						long due = start + TimeUnit.SECONDS.toNanos(1) * sent / this.bytesPerSecond;
						long ahead = due - System.nanoTime();
						if (ahead > 0) {
							pause(TimeUnit.NANOSECONDS.toMillis(ahead));
						}
					}
				}
			}
			catch (IOException ex) {
				// One side went away; closing both below tells the other.
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
			}
		}, "throttled-link-pump");
		t.setDaemon(true);
		t.start();
	}

	@Override
	public void close() throws IOException {
		this.listener.close();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Already closed by the other pump.
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
