package io.berth.logs;

import java.time.Instant;

/** One json-file log record: the stream it came from, when, and its text (with its newline, if it had one). */
public record LogEntry(boolean stderr, Instant time, String text) {
}
