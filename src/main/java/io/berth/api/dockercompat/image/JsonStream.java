package io.berth.api.dockercompat.image;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import io.berth.api.dockercompat.JsonText;
import io.berth.image.distribution.ProgressListener;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A chunked {@code application/json} progress stream (jsonmessage), as the CLI reads the output of {@code pull},
 * {@code push}, {@code load} and {@code import}: one object per line, ending in CRLF and flushed at once, with
 * {@code progressDetail} and the rendered bar the CLI and docker-py print. Download threads report concurrently, so
 * writes are serialized; a client that went away makes a write throw {@link UncheckedIOException}.
 */
final class JsonStream implements ProgressListener {

	private static final int BAR_WIDTH = 50;

	private final OutputStream out;

	private JsonStream(OutputStream out) {
		this.out = out;
	}

	static JsonStream start(HttpServletResponse response) throws IOException {
		response.setStatus(200);
		response.setContentType("application/json");
		JsonStream stream = new JsonStream(response.getOutputStream());
		response.flushBuffer();
		return stream;
	}

	@Override
	public void status(String text) {
		write("{\"status\":" + JsonText.quote(text) + "}");
	}

	@Override
	public void status(String id, String text) {
		write("{\"status\":" + JsonText.quote(text) + ",\"progressDetail\":{},\"id\":" + JsonText.quote(id) + "}");
	}

	@Override
	public void progress(String id, String text, long current, long total) {
		String detail = (total > 0) ? "{\"current\":" + current + ",\"total\":" + total + "}"
				: "{\"current\":" + current + "}";
		write("{\"status\":" + JsonText.quote(text) + ",\"progressDetail\":" + detail + ",\"progress\":"
				+ JsonText.quote(bar(current, total)) + ",\"id\":" + JsonText.quote(id) + "}");
	}

	/** A progress line without an ID, as import prints; the CLI draws the bar from the details on a terminal. */
	void progress(String text, long current, long total) {
		write("{\"status\":" + JsonText.quote(text) + ",\"progressDetail\":{\"current\":" + current
				+ ((total >= 0) ? ",\"total\":" + total : "") + "}}");
	}

	/** A line of {@code docker load} output. */
	void stream(String text) {
		write("{\"stream\":" + JsonText.quote(text) + "}");
	}

	@Override
	public void pushed(String tag, String digest, long size) {
		status(tag + ": digest: " + digest + " size: " + size);
		write("{\"progressDetail\":{},\"aux\":{\"Tag\":" + JsonText.quote(tag) + ",\"Digest\":" + JsonText.quote(digest)
				+ ",\"Size\":" + size + "}}");
	}

	/** The built image's ID, which {@code docker build -q} prints. */
	void aux(String imageId) {
		write("{\"aux\":{\"ID\":" + JsonText.quote(imageId) + "}}");
	}

	/** A failed build step, with the code (a RUN's exit code) the classic builder puts in {@code errorDetail}. */
	void error(String message, int code) {
		try {
			write("{\"errorDetail\":{\"code\":" + code + ",\"message\":" + JsonText.quote(message) + "},\"error\":"
					+ JsonText.quote(message) + "}");
		}
		catch (UncheckedIOException ex) {
			// The client is gone; there is nobody to tell.
		}
	}

	/** An error after the 200 was sent: the CLI prints the message and exits non-zero. */
	void error(String message) {
		try {
			write("{\"errorDetail\":{\"message\":" + JsonText.quote(message) + "},\"error\":"
					+ JsonText.quote(message) + "}");
		}
		catch (UncheckedIOException ex) {
			// The client is gone; there is nobody to tell.
		}
	}

	private synchronized void write(String json) {
		try {
			this.out.write((json + "\r\n").getBytes(StandardCharsets.UTF_8));
			this.out.flush();
		}
		catch (IOException ex) {
			// The client went away; failing the write stops the pull or push it was watching.
			throw new UncheckedIOException("client disconnected", ex);
		}
	}

	/** Docker's {@code [====>     ]  1.2MB/3.4MB} rendering. */
	static String bar(long current, long total) {
		if (total <= 0) {
			return human(current);
		}
		int filled = (int) Math.min(BAR_WIDTH, current * BAR_WIDTH / total);
		StringBuilder b = new StringBuilder("[");
		b.append("=".repeat(Math.max(0, filled - 1)));
		if (filled > 0) {
			b.append(filled == BAR_WIDTH ? "=" : ">");
		}
		b.append(" ".repeat(BAR_WIDTH - filled)).append("] ");
		String amount = human(current) + "/" + human(total);
		return b + " ".repeat(Math.max(0, 18 - amount.length())) + amount;
	}

	/** Decimal units with three significant digits, as Docker's go-units HumanSize prints. */
	static String human(long bytes) {
		String[] units = { "B", "kB", "MB", "GB", "TB" };
		double v = bytes;
		int u = 0;
		while (v >= 1000 && u < units.length - 1) {
			v /= 1000;
			u++;
		}
		String num = (v >= 100 || u == 0) ? String.format("%.0f", v) : (v >= 10) ? String.format("%.1f", v)
				: String.format("%.2f", v);
		if (num.contains(".")) {
			num = num.replaceAll("0+$", "").replaceAll("\\.$", "");
		}
		return num + units[u];
	}

}
