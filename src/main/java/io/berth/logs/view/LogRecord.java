package io.berth.logs.view;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One json-file record, decoded in place from a line of the file into reused buffers. The flat form the monitor
 * writes ({@code {"log":"…","stream":"stdout","time":"…"}}) is decoded by hand, since indexing a big log decodes
 * every record; any other JSON object goes to Jackson. A record is damaged, and skipped by every view, when it is not
 * a JSON object or has no RFC 3339 {@code time}.
 */
final class LogRecord {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final byte[] LOG = "log".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] STREAM = "stream".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] TIME = "time".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] STDERR = "stderr".getBytes(StandardCharsets.US_ASCII);

	private final Buffer text = new Buffer(256);

	private final Buffer time = new Buffer(40);

	private final Buffer scratch = new Buffer(40);

	private boolean stderr;

	private boolean hasTime;

	private Instant instant;

	private String textString;

	private String plainText;

	private byte[] in;

	private int pos;

	private int end;

	/** Decodes the line {@code b[off, end)} (without its newline); returns false when the record is damaged. */
	boolean decode(byte[] b, int off, int end) {
		this.text.length = 0;
		this.time.length = 0;
		this.stderr = false;
		this.hasTime = false;
		this.instant = null;
		this.textString = null;
		this.plainText = null;
		if (!decodeFlat(b, off, end) && !decodeGeneral(b, off, end)) {
			return false;
		}
		this.instant = this.hasTime ? LogTimes.parse(this.time.bytes, 0, this.time.length) : null;
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
		return new String(this.time.bytes, 0, this.time.length, StandardCharsets.ISO_8859_1);
	}

	/** The text as written, newline included; invalid UTF-8 becomes U+FFFD. */
	String text() {
		if (this.textString == null) {
			this.textString = new String(this.text.bytes, 0, this.text.length, StandardCharsets.UTF_8);
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

	private boolean decodeFlat(byte[] b, int off, int end) {
		this.in = b;
		this.pos = off;
		this.end = end;
		skipSpace();
		if (!take('{')) {
			return false;
		}
		skipSpace();
		if (take('}')) {
			return finish();
		}
		while (true) {
			skipSpace();
			this.scratch.length = 0;
			if (!string(this.scratch)) {
				return false;
			}
			Buffer target = this.scratch.is(LOG) ? this.text : this.scratch.is(TIME) ? this.time : null;
			boolean isStream = this.scratch.is(STREAM);
			skipSpace();
			if (!take(':')) {
				return false;
			}
			skipSpace();
			if (target == null) {
				target = this.scratch;
			}
			target.length = 0;
			if (!string(target)) {
				return false;
			}
			if (isStream) {
				this.stderr = this.scratch.is(STDERR);
			}
			else if (target == this.time) {
				this.hasTime = true;
			}
			skipSpace();
			if (take('}')) {
				return finish();
			}
			if (!take(',')) {
				return false;
			}
		}
	}

	private boolean finish() {
		skipSpace();
		return this.pos == this.end && this.hasTime;
	}

	/** A record in another form (a log from elsewhere, with attributes): Jackson reads it, as JsonFileLog does. */
	private boolean decodeGeneral(byte[] b, int off, int end) {
		this.text.length = 0;
		this.time.length = 0;
		this.stderr = false;
		this.hasTime = false;
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
		this.time.set(node.path("time").asString().getBytes(StandardCharsets.UTF_8));
		this.hasTime = true;
		JsonNode log = node.path("log");
		this.text.set((log.isValueNode() ? log.asString() : "").getBytes(StandardCharsets.UTF_8));
		return true;
	}

	/** Reads a JSON string at the current position into {@code target}, undoing its escapes. */
	private boolean string(Buffer target) {
		if (!take('"')) {
			return false;
		}
		byte[] b = this.in;
		int p = this.pos;
		while (true) {
			// The plain run up to the next quote or backslash is copied in one go: most text has no escapes.
			int run = p;
			while (run < this.end && b[run] != '"' && b[run] != '\\') {
				run++;
			}
			target.append(b, p, run - p);
			if (run >= this.end) {
				return false;
			}
			p = run + 1;
			if (b[run] == '"') {
				this.pos = p;
				return true;
			}
			if (p >= this.end) {
				return false;
			}
			byte e = b[p++];
			switch (e) {
				case '"', '\\', '/' -> target.append(e);
				case 'n' -> target.append((byte) '\n');
				case 'r' -> target.append((byte) '\r');
				case 't' -> target.append((byte) '\t');
				case 'b' -> target.append((byte) '\b');
				case 'f' -> target.append((byte) '\f');
				case 'u' -> {
					int cp = hex4(p);
					if (cp < 0) {
						return false;
					}
					p += 4;
					if (Character.isHighSurrogate((char) cp) && p + 6 <= this.end && b[p] == '\\' && b[p + 1] == 'u') {
						int low = hex4(p + 2);
						if (low >= 0 && Character.isLowSurrogate((char) low)) {
							cp = Character.toCodePoint((char) cp, (char) low);
							p += 6;
						}
					}
					if (cp <= 0xFFFF && Character.isSurrogate((char) cp)) {
						cp = 0xFFFD;
					}
					target.appendCodePoint(cp);
				}
				default -> {
					return false;
				}
			}
		}
	}

	private int hex4(int at) {
		if (at + 4 > this.end) {
			return -1;
		}
		int v = 0;
		for (int i = at; i < at + 4; i++) {
			int d = Character.digit(this.in[i], 16);
			if (d < 0) {
				return -1;
			}
			v = (v << 4) | d;
		}
		return v;
	}

	private boolean take(char c) {
		if (this.pos < this.end && this.in[this.pos] == c) {
			this.pos++;
			return true;
		}
		return false;
	}

	private void skipSpace() {
		while (this.pos < this.end
				&& (this.in[this.pos] == ' ' || this.in[this.pos] == '\t' || this.in[this.pos] == '\r')) {
			this.pos++;
		}
	}

	/** A growable byte buffer, reused from record to record. */
	private static final class Buffer {

		byte[] bytes;

		int length;

		Buffer(int capacity) {
			this.bytes = new byte[capacity];
		}

		boolean is(byte[] word) {
			return Arrays.equals(this.bytes, 0, this.length, word, 0, word.length);
		}

		void set(byte[] b) {
			this.length = 0;
			append(b, 0, b.length);
		}

		void append(byte[] b, int off, int len) {
			room(len);
			System.arraycopy(b, off, this.bytes, this.length, len);
			this.length += len;
		}

		void append(byte c) {
			room(1);
			this.bytes[this.length++] = c;
		}

		void appendCodePoint(int cp) {
			if (cp < 0x80) {
				append((byte) cp);
			}
			else if (cp < 0x800) {
				append((byte) (0xC0 | (cp >> 6)));
				append((byte) (0x80 | (cp & 0x3F)));
			}
			else if (cp < 0x10000) {
				append((byte) (0xE0 | (cp >> 12)));
				append((byte) (0x80 | ((cp >> 6) & 0x3F)));
				append((byte) (0x80 | (cp & 0x3F)));
			}
			else {
				append((byte) (0xF0 | (cp >> 18)));
				append((byte) (0x80 | ((cp >> 12) & 0x3F)));
				append((byte) (0x80 | ((cp >> 6) & 0x3F)));
				append((byte) (0x80 | (cp & 0x3F)));
			}
		}

		private void room(int more) {
			if (this.length + more > this.bytes.length) {
				this.bytes = Arrays.copyOf(this.bytes, Math.max(this.length + more, this.bytes.length * 2));
			}
		}

	}

}
