package io.berth.logs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A decoder for json-file records, each a flat object of string fields such as
 * {@code {"log":"hi\n","stream":"stdout","time":"…"}} on a line of its own. It decodes straight from the file's
 * bytes into reused buffers and finds each record's end while decoding it, because {@code docker logs} of a big log
 * reads millions of records and a general JSON tree per record was the bottleneck. Anything that is not a flat
 * object of strings is left to the caller's general parser.
 */
public final class JsonLogRecord {

	/** The buffer ends before the record does. */
	public static final int NEED_MORE = -1;

	/** Not a flat object of string fields on one line. */
	public static final int NOT_FLAT = -2;

	private static final byte[] LOG = "log".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] STREAM = "stream".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] TIME = "time".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] STDERR = "stderr".getBytes(StandardCharsets.US_ASCII);

	private static final int TRUNCATED = Integer.MIN_VALUE;

	private byte[] text = new byte[256];

	private int textLength;

	private byte[] scratch = new byte[64];

	private boolean stderr;

	private String time;

	private byte[] in;

	private int pos;

	private int end;

	/**
	 * Decodes the record that starts at {@code off} in {@code b[off, limit)}. Returns the offset just past the
	 * newline that ends it, {@link #NEED_MORE} when the buffer ends first, or {@link #NOT_FLAT}.
	 */
	public int decode(byte[] b, int off, int limit) {
		this.in = b;
		this.pos = off;
		this.end = limit;
		this.textLength = 0;
		this.stderr = false;
		this.time = null;
		skipSpace();
		int open = take('{');
		if (open <= 0) {
			return open;
		}
		while (true) {
			skipSpace();
			int keyLength = string(false);
			if (keyLength < 0) {
				return keyLength == TRUNCATED ? NEED_MORE : NOT_FLAT;
			}
			byte[] key = is(keyLength, LOG) ? LOG : is(keyLength, STREAM) ? STREAM : is(keyLength, TIME) ? TIME : null;
			skipSpace();
			int colon = take(':');
			if (colon <= 0) {
				return colon;
			}
			skipSpace();
			int n = string(key == LOG);
			if (n < 0) {
				return n == TRUNCATED ? NEED_MORE : NOT_FLAT;
			}
			if (key == STREAM) {
				this.stderr = is(n, STDERR);
			}
			else if (key == TIME) {
				this.time = new String(this.scratch, 0, n, StandardCharsets.ISO_8859_1);
			}
			skipSpace();
			if (this.pos >= this.end) {
				return NEED_MORE;
			}
			byte c = this.in[this.pos++];
			if (c == '}') {
				break;
			}
			if (c != ',') {
				return NOT_FLAT;
			}
		}
		skipSpace();
		int newline = take('\n');
		if (newline <= 0) {
			return newline;
		}
		return (this.time != null) ? this.pos : NOT_FLAT;
	}

	private boolean is(int scratchLength, byte[] word) {
		return Arrays.equals(this.scratch, 0, scratchLength, word, 0, word.length);
	}

	public byte[] text() {
		return Arrays.copyOf(this.text, this.textLength);
	}

	/** The decoded text without a copy: the first {@link #textLength()} bytes, valid until the next decode. */
	public byte[] textBuffer() {
		return this.text;
	}

	public int textLength() {
		return this.textLength;
	}

	public boolean stderr() {
		return this.stderr;
	}

	public String time() {
		return this.time;
	}

	/**
	 * Reads a JSON string at the current position into the text buffer (when {@code intoText}) or the scratch
	 * buffer, undoing its escapes; returns its length in bytes, {@link #TRUNCATED} when the buffer ends inside it,
	 * or -1 when the input is not a string.
	 */
	private int string(boolean intoText) {
		int open = take('"');
		if (open <= 0) {
			return (open == NEED_MORE) ? TRUNCATED : -1;
		}
		byte[] b = this.in;
		int limit = this.end;
		int n = 0;
		int p = this.pos;
		while (true) {
			// The plain run up to the next quote or backslash is copied in one go: most text has no escapes.
			int run = p;
			byte c = 0;
			while (run < limit) {
				c = b[run];
				if (c == '"' || c == '\\' || c == '\n') {
					break;
				}
				run++;
			}
			if (run > p) {
				n = putAll(intoText, n, p, run - p);
			}
			if (run >= limit) {
				return TRUNCATED;
			}
			p = run + 1;
			if (c == '"') {
				this.pos = p;
				if (intoText) {
					this.textLength = n;
				}
				return n;
			}
			if (c == '\n') {
				return -1;
			}
			if (p >= limit) {
				return TRUNCATED;
			}
			byte e = b[p++];
			switch (e) {
				case '"', '\\', '/' -> n = put(intoText, n, e);
				case 'n' -> n = put(intoText, n, (byte) '\n');
				case 'r' -> n = put(intoText, n, (byte) '\r');
				case 't' -> n = put(intoText, n, (byte) '\t');
				case 'b' -> n = put(intoText, n, (byte) '\b');
				case 'f' -> n = put(intoText, n, (byte) '\f');
				case 'u' -> {
					if (p + 4 > limit) {
						return TRUNCATED;
					}
					int cp = hex4(p);
					if (cp < 0) {
						return -1;
					}
					p += 4;
					boolean pairFollows = p < limit && b[p] == '\\' && (p + 1 >= limit || b[p + 1] == 'u');
					if (Character.isHighSurrogate((char) cp) && pairFollows) {
						if (p + 6 > limit) {
							return TRUNCATED;
						}
						int low = (b[p + 1] == 'u') ? hex4(p + 2) : -1;
						if (low >= 0 && Character.isLowSurrogate((char) low)) {
							cp = Character.toCodePoint((char) cp, (char) low);
							p += 6;
						}
					}
					if (cp <= 0xFFFF && Character.isSurrogate((char) cp)) {
						cp = 0xFFFD;
					}
					n = putCodePoint(intoText, n, cp);
				}
				default -> {
					return -1;
				}
			}
		}
	}

	private int hex4(int at) {
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

	private int putCodePoint(boolean intoText, int n, int cp) {
		if (cp < 0x80) {
			return put(intoText, n, (byte) cp);
		}
		if (cp < 0x800) {
			n = put(intoText, n, (byte) (0xC0 | (cp >> 6)));
			return put(intoText, n, (byte) (0x80 | (cp & 0x3F)));
		}
		if (cp < 0x10000) {
			n = put(intoText, n, (byte) (0xE0 | (cp >> 12)));
			n = put(intoText, n, (byte) (0x80 | ((cp >> 6) & 0x3F)));
			return put(intoText, n, (byte) (0x80 | (cp & 0x3F)));
		}
		n = put(intoText, n, (byte) (0xF0 | (cp >> 18)));
		n = put(intoText, n, (byte) (0x80 | ((cp >> 12) & 0x3F)));
		n = put(intoText, n, (byte) (0x80 | ((cp >> 6) & 0x3F)));
		return put(intoText, n, (byte) (0x80 | (cp & 0x3F)));
	}

	private int putAll(boolean intoText, int n, int from, int len) {
		System.arraycopy(this.in, from, room(intoText, n + len), n, len);
		return n + len;
	}

	private int put(boolean intoText, int n, byte c) {
		room(intoText, n + 1)[n] = c;
		return n + 1;
	}

	/** The text or scratch buffer, grown to hold at least {@code size} bytes. */
	private byte[] room(boolean intoText, int size) {
		byte[] target = intoText ? this.text : this.scratch;
		if (size <= target.length) {
			return target;
		}
		target = Arrays.copyOf(target, Math.max(size, target.length * 2));
		if (intoText) {
			this.text = target;
		}
		else {
			this.scratch = target;
		}
		return target;
	}

	/** 1 when the next byte is {@code c} (and consumes it), NEED_MORE at the buffer's end, NOT_FLAT otherwise. */
	private int take(char c) {
		if (this.pos >= this.end) {
			return NEED_MORE;
		}
		if (this.in[this.pos] == c) {
			this.pos++;
			return 1;
		}
		return NOT_FLAT;
	}

	private void skipSpace() {
		while (this.pos < this.end && (this.in[this.pos] == ' ' || this.in[this.pos] == '\t' || this.in[this.pos] == '\r')) {
			this.pos++;
		}
	}

}
