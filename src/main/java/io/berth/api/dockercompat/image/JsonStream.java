package io.berth.api.dockercompat.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import io.berth.api.dockercompat.JsonText;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A chunked {@code application/json} progress stream (jsonmessage): one object per write, each ending in CRLF and
 * flushed at once, as the CLI reads {@code docker load} and {@code docker import} output.
 */
final class JsonStream {

	private final OutputStream out;

	private JsonStream(OutputStream out) {
		this.out = out;
	}

	static JsonStream start(HttpServletResponse response) throws IOException {
		response.setStatus(200);
		response.setContentType("application/json");
		return new JsonStream(response.getOutputStream());
	}

	void status(String text) throws IOException {
		write("{\"status\":" + JsonText.quote(text) + "}");
	}

	/** A progress line: the CLI draws the bar from the details on a terminal and prints nothing otherwise. */
	void progress(String status, long current, long total) throws IOException {
		write("{\"status\":" + JsonText.quote(status) + ",\"progressDetail\":{\"current\":" + current
				+ ((total >= 0) ? ",\"total\":" + total : "") + "}}");
	}

	/** An error after the 200 went out, which the CLI prints and exits non-zero on. */
	void error(String message) throws IOException {
		String quoted = JsonText.quote(message);
		write("{\"errorDetail\":{\"message\":" + quoted + "},\"error\":" + quoted + "}");
	}

	void stream(String text) throws IOException {
		write("{\"stream\":" + JsonText.quote(text) + "}");
	}

	private void write(String json) throws IOException {
		this.out.write((json + "\r\n").getBytes(StandardCharsets.UTF_8));
		this.out.flush();
	}

}
