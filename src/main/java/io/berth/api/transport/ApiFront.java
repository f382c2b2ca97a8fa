package io.berth.api.transport;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URLDecoder;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.berth.error.EngineException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The Docker API's unix socket. It reads each new connection's first request head: the hijacked streams (attach,
 * exec start) are served here on the raw connection, because a servlet container's upgraded connections misbehave
 * when the docker CLI half-closes them; everything else is spliced to Tomcat on a private socket only root can reach,
 * tagged with its connection's number so that a streaming handler learns from {@link ClientConnections} when its
 * client is gone.
 */
@Component
class ApiFront implements SmartLifecycle {

	/** One direct buffer per pooled thread, reused by every connection that thread serves. */
	private static final ThreadLocal<ByteBuffer> PUMP_BUFFER = ThreadLocal
		.withInitial(() -> ByteBuffer.allocateDirect(64 * 1024));

	/**
	 * The threads that serve connections, kept for reuse: a docker command makes several connections, and a new pair
	 * of threads for each was a measurable part of a short request.
	 */
	private final ExecutorService connectionThreads = Executors.newCachedThreadPool((r) -> {
		Thread t = new Thread(r, "api-conn");
		t.setDaemon(true);
		return t;
	});

	private static final Log logger = LogFactory.getLog(ApiFront.class);

	private static final int MAX_HEAD = 64 * 1024;

	private static final Pattern VERSIONED = Pattern.compile("^/v(\\d+)\\.(\\d+)(/.*)$");

	private final Path socket;

	private final Path internal;

	private final List<HijackHandler> handlers;

	private final ClientConnections connections;

	private volatile ServerSocketChannel server;

	private volatile boolean running;

	ApiFront(ApiProperties properties, InternalSocket internal, List<HijackHandler> handlers,
			ClientConnections connections) {
		this.socket = Path.of(properties.socket()).toAbsolutePath();
		this.internal = internal.path();
		this.handlers = handlers;
		this.connections = connections;
	}

	@Override
	public void start() {
		try {
			ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
			ch.bind(UnixDomainSocketAddress.of(this.socket));
			Files.setPosixFilePermissions(this.socket, PosixFilePermissions.fromString("rw-rw----"));
			this.server = ch;
		}
		catch (IOException ex) {
			StartupFailure.exit("Cannot listen on " + this.socket + ": " + ex.getMessage() + ".");
		}
		this.running = true;
		Thread t = new Thread(this::acceptLoop, "api-accept");
		t.setDaemon(true);
		t.start();
	}

	private void acceptLoop() {
		while (this.running) {
			try {
				SocketChannel client = this.server.accept();
				this.connectionThreads.execute(() -> serve(client));
			}
			catch (IOException ex) {
				if (this.running) {
					logger.warn("accept on " + this.socket + ": " + ex.getMessage());
				}
			}
		}
	}

	private void serve(SocketChannel client) {
		try (client) {
			ByteBuffer buf = ByteBuffer.allocate(MAX_HEAD);
			int headEnd = readHead(client, buf);
			if (headEnd < 0) {
				if (buf.position() >= MAX_HEAD) {
					writeError(client, 431, "Request Header Fields Too Large", "request header fields too large");
					drain(client);
				}
				return;
			}
			byte[] all = new byte[buf.position()];
			buf.flip();
			buf.get(all);
			String head = new String(all, 0, headEnd, StandardCharsets.ISO_8859_1);
			Optional<Hijack> hijack = parseHijack(head);
			if (hijack.isPresent()) {
				serveHijack(client, hijack.get(), all, headEnd + 4);
			}
			else {
				long connection = this.connections.opened();
				try {
					splice(client, tagged(all, headEnd, connection), connection);
				}
				finally {
					this.connections.closed(connection);
				}
			}
		}
		catch (IOException ex) {
			// The client went away.
		}
	}

	/**
	 * Half-closes and reads what the client still sends (bounded), so closing does not reset the connection before
	 * the client has read the error.
	 */
	private static void drain(SocketChannel client) throws IOException {
		client.shutdownOutput();
		ByteBuffer sink = ByteBuffer.allocate(64 * 1024);
		long left = 16L * 1024 * 1024;
		int n;
		while (left > 0 && (n = client.read(sink.clear())) >= 0) {
			left -= n;
		}
	}

	/** Reads until the end of the request head; returns its offset, or -1 at EOF or when it is too large. */
	private static int readHead(SocketChannel ch, ByteBuffer buf) throws IOException {
		int scanned = 0;
		while (buf.hasRemaining()) {
			if (ch.read(buf) < 0) {
				return -1;
			}
			byte[] a = buf.array();
			for (int i = Math.max(0, scanned - 3); i + 3 < buf.position(); i++) {
				if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
					return i;
				}
			}
			scanned = buf.position();
		}
		return -1;
	}

	private record Hijack(String method, String path, Map<String, String> query, Map<String, String> headers,
			String version) {
	}

	private static Optional<Hijack> parseHijack(String head) {
		String[] lines = head.split("\r\n");
		String[] requestLine = lines[0].split(" ");
		if (requestLine.length < 2 || !requestLine[0].equals("POST")) {
			return Optional.empty();
		}
		String target = requestLine[1];
		int q = target.indexOf('?');
		String path = (q < 0) ? target : target.substring(0, q);
		String version = null;
		Matcher m = VERSIONED.matcher(path);
		if (m.matches()) {
			version = m.group(1) + "." + m.group(2);
			path = m.group(3);
		}
		if (!path.matches("/containers/[^/]+/attach|/exec/[^/]+/start")) {
			return Optional.empty();
		}
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
		}
		Map<String, String> query = new LinkedHashMap<>();
		if (q >= 0) {
			for (String pair : target.substring(q + 1).split("&")) {
				int eq = pair.indexOf('=');
				String k = URLDecoder.decode((eq < 0) ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
				String v = (eq < 0) ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
				query.put(k, v);
			}
		}
		return Optional.of(new Hijack(requestLine[0], path, query, headers, version));
	}

	private void serveHijack(SocketChannel client, Hijack h, byte[] received, int bodyStart) throws IOException {
		if (h.version() != null && (compare(h.version(), "1.41") > 0 || compare(h.version(), "1.24") < 0)) {
			writeError(client, 400, "Bad Request", "client version " + h.version()
					+ " is not supported; this daemon supports API versions 1.24 to 1.41");
			return;
		}
		int length = 0;
		try {
			length = Integer.parseInt(h.headers().getOrDefault("content-length", "0"));
		}
		catch (NumberFormatException ex) {
			writeError(client, 400, "Bad Request", "invalid Content-Length");
			return;
		}
		if (length < 0 || length > 1024 * 1024) {
			writeError(client, 400, "Bad Request", "request body too large");
			return;
		}
		ByteBuffer body = ByteBuffer.allocate(length);
		body.put(received, bodyStart, Math.min(length, received.length - bodyStart));
		while (body.hasRemaining() && client.read(body) >= 0) {
			// Reads the rest of a body that came after the head.
		}
		boolean upgrade = "tcp".equalsIgnoreCase(h.headers().get("upgrade"));
		HijackRequest request = new HijackRequest(h.method(), h.path(), h.query(), h.headers(), body.array(),
				upgrade);
		HijackHandler.Session session = null;
		try {
			for (HijackHandler handler : this.handlers) {
				Optional<HijackHandler.Session> s = handler.prepare(request);
				if (s.isPresent()) {
					session = s.get();
					break;
				}
			}
		}
		catch (EngineException ex) {
			writeError(client, ex.kind().status(), "Error", ex.getMessage());
			return;
		}
		if (session == null) {
			writeError(client, 404, "Not Found", "page not found");
			return;
		}
		String status = upgrade ? "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
				: "HTTP/1.1 200 OK\r\n";
		write(client, status + "Content-Type: application/vnd.docker.raw-stream\r\n" + commonHeaders() + "\r\n");
		session.run(client);
	}

	private static String commonHeaders() {
		return "Api-Version: 1.41\r\nOstype: linux\r\nDocker-Experimental: false\r\nServer: Docker/0.1.0 (linux)\r\n";
	}

	private static void writeError(SocketChannel client, int status, String reason, String message)
			throws IOException {
		if (status == 304) {
			write(client, "HTTP/1.1 304 Not Modified\r\n" + commonHeaders() + "Content-Length: 0\r\n\r\n");
			return;
		}
		byte[] body = ("{\"message\":" + quote(message) + "}\n").getBytes(StandardCharsets.UTF_8);
		write(client, "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\n" + commonHeaders()
				+ "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n");
		ByteBuffer b = ByteBuffer.wrap(body);
		while (b.hasRemaining()) {
			client.write(b);
		}
	}

	private static void write(SocketChannel ch, String s) throws IOException {
		ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
		while (b.hasRemaining()) {
			ch.write(b);
		}
	}

	/**
	 * The request as received, with the front's connection header after the request line in place of any the client
	 * sent, so a handler can ask {@link ClientConnections} whether its client is still there.
	 */
	static byte[] tagged(byte[] received, int headEnd, long connection) {
		String[] lines = new String(received, 0, headEnd, StandardCharsets.ISO_8859_1).split("\r\n", -1);
		StringBuilder head = new StringBuilder(lines[0]).append("\r\n")
			.append(ClientConnections.HEADER)
			.append(": ")
			.append(connection);
		String name = ClientConnections.HEADER + ":";
		for (int i = 1; i < lines.length; i++) {
			if (!lines[i].regionMatches(true, 0, name, 0, name.length())) {
				head.append("\r\n").append(lines[i]);
			}
		}
		byte[] tag = head.toString().getBytes(StandardCharsets.ISO_8859_1);
		byte[] out = new byte[tag.length + received.length - headEnd];
		System.arraycopy(tag, 0, out, 0, tag.length);
		System.arraycopy(received, headEnd, out, tag.length, received.length - headEnd);
		return out;
	}

	/**
	 * Passes the connection to Tomcat, in both directions, until both sides are done; the client's end of its side
	 * closes the connection in {@link ClientConnections} at once.
	 */
	private void splice(SocketChannel client, byte[] alreadyRead, long connection) throws IOException {
		try (SocketChannel tomcat = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			tomcat.connect(UnixDomainSocketAddress.of(this.internal));
			ByteBuffer first = ByteBuffer.wrap(alreadyRead);
			while (first.hasRemaining()) {
				tomcat.write(first);
			}
			Future<?> up = this.connectionThreads.submit(() -> {
				pump(client, tomcat);
				this.connections.closed(connection);
			});
			pump(tomcat, client);
			try {
				up.get();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException ex) {
				// The upstream pump ended on its own error; both sides are closed below.
			}
		}
	}

	private static void pump(SocketChannel from, SocketChannel to) {
		ByteBuffer buf = PUMP_BUFFER.get().clear();
		try {
			while (from.read(buf) >= 0) {
				buf.flip();
				while (buf.hasRemaining()) {
					to.write(buf);
				}
				buf.clear();
			}
			to.shutdownOutput();
		}
		catch (IOException ex) {
			try {
				to.shutdownOutput();
				from.shutdownInput();
			}
			catch (IOException ignored) {
				// Both ends are gone.
			}
		}
	}

	private static int compare(String a, String b) {
		String[] x = a.split("\\.");
		String[] y = b.split("\\.");
		int major = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
		return (major != 0) ? major : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
	}

	private static String quote(String s) {
		return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
	}

	@Override
	public void stop() {
		this.running = false;
		try {
			if (this.server != null) {
				this.server.close();
			}
			Files.deleteIfExists(this.socket);
		}
		catch (IOException ex) {
			// Nothing left to do at shutdown.
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** After Tomcat, so a client never reaches the socket before the API can answer. */
	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
