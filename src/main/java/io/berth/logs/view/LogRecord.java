package io.berth.logs.view;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.berth.logs.JsonLogRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One json-file record, decoded in place from a line of the file into reused buffers. The flat form the monitor
 * writes ({@code {"log":"…","stream":"stdout","time":"…"}}) goes through {@link JsonLogRecord}, the decoder
 * {@code docker logs} uses, since indexing a big log decodes every record; any other JSON object goes to Jackson. A record is damaged, and skipped by every view, when it is not
 * a JSON object or has no RFC 3339 {@code time}.
 */
final class LogRecord {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final JsonLogRecord flat = new JsonLogRecord();

	private byte[] text = new byte[0];

	private int textLength;

	private String time;

	private boolean stderr;

	private Instant instant;

	private String textString;

	private String plainText;

	/**
	 * Decodes the line {@code b[off, end)}, whose newline is at {@code b[end]}; returns false when the record is
	 * damaged.
	 */
	boolean decode(byte[] b, int off, int end) {
		this.instant = null;
		this.textString = null;
		this.plainText = null;
		if (this.flat.decode(b, off, end + 1) >= 0) {
			this.stderr = this.flat.stderr();
			this.text = this.flat.textBuffer();
			this.textLength = this.flat.textLength();
			this.time = this.flat.time();
		}
		else if (!decodeGeneral(b, off, end)) {
			return false;
		}
		this.instant = LogTimes.parse(this.time);
		return this.instant != null;
	}

	boolean stderr() {
		return this.stderr;
	}

	Instant instant() {
		return this.instant;
	}

	/** The time as the log holds it. */
	String time() {
		return this.time;
	}

	/** The text as written, newline included; invalid UTF-8 becomes U+FFFD. */
	String text() {
		if (this.textString == null) {
			this.textString = new String(this.text, 0, this.textLength, StandardCharsets.UTF_8);
		}
		return this.textString;
	}

	/** The text with ANSI sequences, control characters and the trailing newline removed: what searches see. */
	String plainText() {
		if (this.plainText == null) {
			this.plainText = AnsiHtml.strip(text());
		}
		return this.plainText;
	}

	/** A record in another form (a log from elsewhere, with attributes): Jackson reads it, as JsonFileLog does. */
	private boolean decodeGeneral(byte[] b, int off, int end) {
		JsonNode node;
		try {
			node = JSON.readTree(new String(b, off, end - off, StandardCharsets.UTF_8));
		}
		catch (JacksonException ex) {
			return false;
		}
		if (node == null || !node.isObject() || !node.path("time").isString()) {
			return false;
		}
		this.stderr = "stderr".equals(node.path("stream").asString());
		this.time = node.path("time").asString();
		JsonNode log = node.path("log");
		this.text = (log.isValueNode() ? log.asString() : "").getBytes(StandardCharsets.UTF_8);
		this.textLength = this.text.length;
		return true;
	}

}
