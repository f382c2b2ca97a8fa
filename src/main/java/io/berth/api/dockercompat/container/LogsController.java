package io.berth.api.dockercompat.container;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.CompletableFuture;

import io.berth.api.dockercompat.QueryParams;
import io.berth.container.Container;
import io.berth.container.ContainerLifecycle;
import io.berth.container.ContainerService;
import io.berth.error.InvalidParameterException;
import io.berth.logs.JsonFileLog;
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

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	LogsController(ContainerService containers, ContainerLifecycle lifecycle) {
		this.containers = containers;
		this.lifecycle = lifecycle;
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
			HttpServletResponse response) throws IOException {
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
		CompletableFuture<?> stop = following ? this.lifecycle.waitFor(c.getId(), "not-running")
				: CompletableFuture.completedFuture(null);
		response.setStatus(200);
		response.setContentType("application/vnd.docker.raw-stream");
		OutputStream os = response.getOutputStream();
		response.flushBuffer();
		JsonFileLog.read(this.lifecycle.logFile(c), q, stop, (entry) -> {
			byte[] text = ((stamps ? entry.time().toString() + " " : "") + entry.text()).getBytes(StandardCharsets.UTF_8);
			write(os, tty, entry.stderr(), text);
			response.flushBuffer();
			return true;
		});
	}

	static void write(OutputStream os, boolean tty, boolean stderr, byte[] payload) throws IOException {
		if (!tty) {
			int n = payload.length;
			os.write(new byte[] { (byte) (stderr ? 2 : 1), 0, 0, 0, (byte) (n >>> 24), (byte) (n >>> 16),
					(byte) (n >>> 8), (byte) n });
		}
		os.write(payload);
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
