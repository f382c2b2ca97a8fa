package io.berth.logs.view;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.berth.error.InvalidParameterException;

/**
 * Which records a log view shows: the streams, an optional search pattern (a Java regex found anywhere in the
 * record's text with ANSI sequences stripped) and an optional time window, both ends inclusive. Two filters with
 * the same pattern text and flags are equal, so a filter can key a cached index.
 */
public record LogFilter(boolean stdout, boolean stderr, Pattern query, Instant since, Instant until) {

	/** Every record of both streams. */
	public static final LogFilter ALL = new LogFilter(true, true, null, null, null);

	static final int MAX_QUERY_LENGTH = 1000;

	private static final Pattern UNIX_SECONDS = Pattern.compile("(-?)(\\d{1,19})(?:\\.(\\d{1,9}))?");

	public LogFilter {
		if (since != null && until != null && since.isAfter(until)) {
			throw new InvalidParameterException("since (" + since + ") is after until (" + until + ")");
		}
	}

	/**
	 * Parses the query strings of a log request; a blank string means no condition. Times are RFC 3339 or Unix
	 * seconds with an optional fraction.
	 */
	public static LogFilter parse(boolean stdout, boolean stderr, String query, String since, String until) {
		return new LogFilter(stdout, stderr, pattern(query), time("since", since), time("until", until));
	}

	private static Pattern pattern(String query) {
		if (query == null || query.isEmpty()) {
			return null;
		}
		if (query.length() > MAX_QUERY_LENGTH) {
			throw new InvalidParameterException("search pattern is longer than " + MAX_QUERY_LENGTH + " characters");
		}
		try {
			return Pattern.compile(query);
		}
		catch (PatternSyntaxException ex) {
			throw new InvalidParameterException(
					"invalid search pattern: " + ex.getDescription() + " near index " + ex.getIndex(), ex);
		}
	}

	private static Instant time(String name, String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		String v = value.strip();
		try {
			var seconds = UNIX_SECONDS.matcher(v);
			if (seconds.matches()) {
				long whole = Long.parseLong(seconds.group(2));
				long nanos = (seconds.group(3) != null) ? Long.parseLong((seconds.group(3) + "00000000").substring(0, 9))
						: 0;
				boolean negative = !seconds.group(1).isEmpty();
				return negative ? Instant.ofEpochSecond(-whole, -nanos) : Instant.ofEpochSecond(whole, nanos);
			}
			return OffsetDateTime.parse(v, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
		}
		catch (DateTimeException | NumberFormatException | ArithmeticException ex) {
			throw new InvalidParameterException("invalid " + name + " time \"" + abbreviate(v)
					+ "\": expected RFC 3339 (such as 2026-01-02T15:04:05Z) or Unix seconds (such as 1767366245.5)",
					ex);
		}
	}

	private static String abbreviate(String s) {
		return (s.length() <= 64) ? s : s.substring(0, 64) + "…";
	}

	/** Whether the filter keeps records of this stream. */
	boolean acceptsStream(boolean stderrRecord) {
		return stderrRecord ? this.stderr : this.stdout;
	}

	/** Whether the filter keeps records written at this time. */
	boolean acceptsTime(Instant time) {
		return (this.since == null || !time.isBefore(this.since)) && (this.until == null || !time.isAfter(this.until));
	}

	@Override
	public boolean equals(Object other) {
		return this == other || (other instanceof LogFilter f && this.stdout == f.stdout && this.stderr == f.stderr
				&& Objects.equals(this.since, f.since) && Objects.equals(this.until, f.until)
				&& Objects.equals(queryText(), f.queryText()) && queryFlags() == f.queryFlags());
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.stdout, this.stderr, this.since, this.until, queryText(), queryFlags());
	}

	private String queryText() {
		return (this.query != null) ? this.query.pattern() : null;
	}

	private int queryFlags() {
		return (this.query != null) ? this.query.flags() : 0;
	}

}
