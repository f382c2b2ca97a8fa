package io.berth.logs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One json-file log record: the stream it came from, when, and its text as bytes (with its newline, if it had one).
 * The time is kept as written, in Docker's RFC 3339 form, and parsed only when asked for, since most reads never
 * need it.
 */
public final class LogEntry {

	private static final DateTimeFormatter FIXED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
		.withZone(ZoneOffset.UTC);

	private final boolean stderr;

	private final String rawTime;

	private final byte[] text;

	private Instant time;

	public LogEntry(boolean stderr, String rawTime, byte[] text) {
		this.stderr = stderr;
		this.rawTime = rawTime;
		this.text = text;
	}

	public boolean stderr() {
		return this.stderr;
	}

	/** The time exactly as the log holds it, which is what {@code docker logs -t} prints. */
	public String rawTime() {
		return this.rawTime;
	}

	/**
	 * The time with exactly nine fraction digits, the form dockerd prefixes lines with for {@code docker logs -t}.
	 */
	public String fixedTime() {
		int dot = this.rawTime.indexOf('.');
		if (!this.rawTime.endsWith("Z")) {
			return FIXED.format(time());
		}
		int z = this.rawTime.length() - 1;
		String fraction = (dot < 0) ? "" : this.rawTime.substring(dot + 1, z);
		String whole = (dot < 0) ? this.rawTime.substring(0, z) : this.rawTime.substring(0, dot);
		return whole + "." + (fraction + "000000000").substring(0, 9) + "Z";
	}

	public Instant time() {
		if (this.time == null) {
			this.time = Instant.parse(this.rawTime);
		}
		return this.time;
	}

	/** The record's bytes; the array is the entry's own, not a copy. */
	public byte[] text() {
		return this.text;
	}

}
