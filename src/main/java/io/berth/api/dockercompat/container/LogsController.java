package io.berth.api.dockercompat.container;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.CompletableFuture;

import io.berth.api.dockercompat.QueryParams;
import io.berth.api.transport.ClientConnections;
import io.berth.container.Container;
import io.berth.container.ContainerLifecycle;
import io.berth.container.ContainerService;
import io.berth.error.InvalidParameterException;
import io.berth.logs.JsonFileLog;
import io.berth.logs.LogEntry;
import io.berth.logs.LogQuery;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** {@code GET /containers/{id}/logs}: multiplexed frames without a tty, raw text with one. */
@RestController
class LogsController {

	private static final byte[] NO_BYTES = new byte[0];

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final ClientConnections clients;

	LogsController(ContainerService containers, ContainerLifecycle lifecycle, ClientConnections clients) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.clients = clients;
	}

	/**
	 * Streams on the request thread, flushing the servlet response after each record, so {@code logs -f} shows lines
	 * as they are written (async response bodies were not flushed to the client here).
	 */
	@GetMapping("/containers/{id}/logs")
	void logs(@PathVariable String id, @RequestParam(required = false) String follow,
			@RequestParam(required = false) String stdout, @RequestParam(required = false) String stderr,
			@RequestParam(required = false) String since, @RequestParam(required = false) String until,
			@RequestParam(required = false) String timestamps, @RequestParam(required = false) String tail,
			HttpServletRequest request, HttpServletResponse response) throws IOException {
		Container c = this.containers.get(id);
		boolean out = QueryParams.bool(stdout);
		boolean err = QueryParams.bool(stderr);
		if (!out && !err) {
			throw new InvalidParameterException("Bad parameters: you must choose at least one stream");
		}
		boolean following = QueryParams.bool(follow);
		LogQuery q = new LogQuery(out, err, time(since), time(until), tail(tail), following);
		boolean tty = this.lifecycle.isTty(c);
		boolean stamps = QueryParams.bool(timestamps);
		// A followed log ends when the container stops or when its client goes away, whichever comes first.
		CompletableFuture<?> stop = following
				? CompletableFuture.anyOf(this.lifecycle.waitFor(c.getId(), "not-running"),
						this.clients.gone(request).toCompletableFuture())
				: CompletableFuture.completedFuture(null);
		response.setStatus(200);
		response.setContentType("application/vnd.docker.raw-stream");
		response.setBufferSize(64 * 1024);
		OutputStream os = response.getOutputStream();
		response.flushBuffer();
		JsonFileLog.read(this.lifecycle.logFile(c), q, stop, new FrameSink(os, tty, stamps, response));
	}

	/**
	 * Writes records as Docker's multiplexed frames (or raw text for a tty) into one buffer, handed to the response
	 * when full and flushed whenever the log reader has nothing more for now: a big log costs a write per 64 KiB,
	 * not several per line, and a followed log still shows each line as it comes. Consecutive lines of one stream
	 * share a frame within the buffer, so the CLI demultiplexes a header per 64 KiB rather than one per line.
	 */
	static final class FrameSink implements JsonFileLog.Sink {

		private final OutputStream os;

		private final boolean tty;

		private final boolean stamps;

		private final HttpServletResponse response;

		private final byte[] buf = new byte[64 * 1024];

		private int len;

		/** Where the buffer's last frame header is, or -1 when it holds none that can grow. */
		private int frameStart = -1;

		private boolean frameStderr;

		FrameSink(OutputStream os, boolean tty, boolean stamps, HttpServletResponse response) {
			this.os = os;
			this.tty = tty;
			this.stamps = stamps;
			this.response = response;
		}

		@Override
		public boolean accept(LogEntry entry) throws IOException {
			byte[] prefix = this.stamps ? (entry.fixedTime() + " ").getBytes(StandardCharsets.US_ASCII) : NO_BYTES;
			byte[] text = entry.text();
			int payload = prefix.length + text.length;
			if (!this.tty && this.frameStart >= 0 && this.frameStderr == entry.stderr()
					&& this.len + payload <= this.buf.length) {
				// The same stream as the frame before it in the buffer: one more line in that frame, as a frame
				// may carry any number of lines, and clients read a frame per header, not a line.
				append(prefix, text);
				setLength(this.frameStart, this.len - this.frameStart - 8);
				return true;
			}
			int need = (this.tty ? 0 : 8) + payload;
			if (this.len + need > this.buf.length) {
				drain();
			}
			if (need > this.buf.length) {
				write(this.os, this.tty, entry.stderr(), prefix, text);
				return true;
			}
			if (!this.tty) {
				this.frameStart = this.len;
				this.frameStderr = entry.stderr();
				this.buf[this.len] = (byte) (entry.stderr() ? 2 : 1);
				this.buf[this.len + 1] = 0;
				this.buf[this.len + 2] = 0;
				this.buf[this.len + 3] = 0;
				this.len += 8;
				setLength(this.frameStart, payload);
			}
			append(prefix, text);
			return true;
		}

		private void append(byte[] prefix, byte[] text) {
			System.arraycopy(prefix, 0, this.buf, this.len, prefix.length);
			this.len += prefix.length;
			System.arraycopy(text, 0, this.buf, this.len, text.length);
			this.len += text.length;
		}

		private void setLength(int header, int payload) {
			this.buf[header + 4] = (byte) (payload >>> 24);
			this.buf[header + 5] = (byte) (payload >>> 16);
			this.buf[header + 6] = (byte) (payload >>> 8);
			this.buf[header + 7] = (byte) payload;
		}

		@Override
		public void flush() throws IOException {
			drain();
			this.response.flushBuffer();
		}

		private void drain() throws IOException {
			if (this.len > 0) {
				this.os.write(this.buf, 0, this.len);
				this.len = 0;
			}
			this.frameStart = -1;
		}

	}

	/** One record: a multiplexing frame header unless the container has a tty, then the prefix and the text. */
	static void write(OutputStream os, boolean tty, boolean stderr, byte[] prefix, byte[] text) throws IOException {
		if (!tty) {
			int n = prefix.length + text.length;
			os.write(new byte[] { (byte) (stderr ? 2 : 1), 0, 0, 0, (byte) (n >>> 24), (byte) (n >>> 16),
					(byte) (n >>> 8), (byte) n });
		}
		os.write(prefix);
		os.write(text);
	}

	private static Instant time(String s) {
		if (s == null || s.isEmpty() || s.equals("0")) {
			return null;
		}
		try {
			BigDecimal d = new BigDecimal(s);
			long secs = d.longValue();
			long nanos = d.subtract(BigDecimal.valueOf(secs)).movePointRight(9).longValue();
			return Instant.ofEpochSecond(secs, nanos);
		}
		catch (NumberFormatException ex) {
			throw new InvalidParameterException("invalid time value: " + s);
		}
	}

	private static int tail(String s) {
		if (s == null || s.isEmpty() || s.equals("all")) {
			return -1;
		}
		try {
			return Integer.parseInt(s);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
