package io.berth.logs;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchService;
import java.util.concurrent.CompletableFuture;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a container's log in Docker's json-file format, as berth-monitor writes it. Following waits on inotify (a
 * {@link WatchService}) rather than polling, and ends when the given future completes (the container's exit).
 */
public final class JsonFileLog {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** Receives each record that passes the query; returns false to stop reading. */
	public interface Sink {

		boolean accept(LogEntry entry) throws IOException;

		/** Called whenever the reader has handed over all it has for now, so the sink can flush once, not per line. */
		default void flush() throws IOException {
		}

	}

	private JsonFileLog() {
	}

	public static void read(Path file, LogQuery q, CompletableFuture<?> stopFollowing, Sink sink) throws IOException {
		if (!Files.exists(file)) {
			if (!q.follow()) {
				return;
			}
			Files.createDirectories(file.getParent());
		}
		long start = (q.tail() >= 0 && Files.exists(file)) ? tailOffset(file, q.tail()) : 0;
		if (!q.follow()) {
			if (Files.exists(file)) {
				readFrom(file, start, q, sink);
			}
			return;
		}
		try (WatchService watch = FileSystems.getDefault().newWatchService()) {
			file.getParent().register(watch, java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY,
					java.nio.file.StandardWatchEventKinds.ENTRY_CREATE);
			stopFollowing.whenComplete((r, ex) -> closeQuietly(watch));
			long offset = start;
			while (true) {
				offset = Files.exists(file) ? readFrom(file, offset, q, sink) : offset;
				if (offset < 0) {
					return;
				}
				try {
					watch.take().reset();
				}
				catch (ClosedWatchServiceException ex) {
					// The container exited: drain what it wrote last, then end.
					if (Files.exists(file)) {
						readFrom(file, offset, q, sink);
					}
					return;
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/** Reads complete lines from offset; returns the offset after the last complete line, or -1 when told to stop. */
	private static long readFrom(Path file, long offset, LogQuery q, Sink sink) throws IOException {
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
			ch.position(offset);
			byte[] chunk = new byte[64 * 1024];
			int filled = 0;
			long consumed = offset;
			JsonLogRecord record = new JsonLogRecord();
			while (true) {
				if (filled == chunk.length) {
					// One record longer than the buffer (a 16 KiB line escaped many times over): make room for it.
					chunk = java.util.Arrays.copyOf(chunk, chunk.length * 2);
				}
				int n = ch.read(ByteBuffer.wrap(chunk, filled, chunk.length - filled));
				if (n <= 0) {
					break;
				}
				filled += n;
				int p = 0;
				while (p < filled) {
					int next = record.decode(chunk, p, filled);
					if (next == JsonLogRecord.NEED_MORE) {
						break;
					}
					boolean go;
					if (next == JsonLogRecord.NOT_FLAT) {
						int newline = indexOf(chunk, (byte) '\n', p, filled);
						if (newline < 0) {
							break;
						}
						go = emitGeneral(chunk, p, newline - p, q, sink);
						next = newline + 1;
					}
					else {
						go = emit(record, q, sink);
					}
					if (!go) {
						return -1;
					}
					consumed += next - p;
					p = next;
				}
				System.arraycopy(chunk, p, chunk, 0, filled - p);
				filled -= p;
				sink.flush();
			}
			sink.flush();
			return consumed;
		}
	}

	private static int indexOf(byte[] b, byte c, int from, int to) {
		for (int i = from; i < to; i++) {
			if (b[i] == c) {
				return i;
			}
		}
		return -1;
	}

	private static boolean emit(JsonLogRecord record, LogQuery q, Sink sink) throws IOException {
		if ((record.stderr() && !q.stderr()) || (!record.stderr() && !q.stdout())) {
			return true;
		}
		return emit(new LogEntry(record.stderr(), record.time(), record.text()), q, sink);
	}

	/** A record not in the flat form the monitor writes (a log from elsewhere, with attributes): Jackson reads it. */
	private static boolean emitGeneral(byte[] b, int off, int len, LogQuery q, Sink sink) throws IOException {
		String line = new String(b, off, len, StandardCharsets.UTF_8);
		if (line.isBlank()) {
			return true;
		}
		JsonNode n;
		try {
			n = JSON.readTree(line);
		}
		catch (JacksonException ex) {
			// A damaged record (a crash mid-write) is skipped, so the rest of the log stays readable.
			return true;
		}
		boolean stderr = "stderr".equals(n.path("stream").asString());
		if ((stderr && !q.stderr()) || (!stderr && !q.stdout()) || !n.path("time").isString()) {
			return true;
		}
		return emit(new LogEntry(stderr, n.path("time").asString(),
				n.path("log").asString().getBytes(StandardCharsets.UTF_8)), q, sink);
	}

	private static boolean emit(LogEntry entry, LogQuery q, Sink sink) throws IOException {
		if (q.since() != null && entry.time().isBefore(q.since())) {
			return true;
		}
		if (q.until() != null && entry.time().isAfter(q.until())) {
			return true;
		}
		return sink.accept(entry);
	}

	/** The offset of the n-th line from the end, found by scanning backwards. */
	static long tailOffset(Path file, int n) throws IOException {
		if (n == 0) {
			return Files.size(file);
		}
		try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
			long pos = f.length();
			int lines = 0;
			byte[] buf = new byte[64 * 1024];
			boolean first = true;
			while (pos > 0) {
				int len = (int) Math.min(buf.length, pos);
				pos -= len;
				f.seek(pos);
				f.readFully(buf, 0, len);
				for (int i = len - 1; i >= 0; i--) {
					if (buf[i] == '\n') {
						if (first && pos + i == f.length() - 1) {
							continue;
						}
						if (++lines == n) {
							return pos + i + 1;
						}
					}
				}
				first = false;
			}
			return 0;
		}
	}

	private static void closeQuietly(WatchService w) {
		try {
			w.close();
		}
		catch (IOException ex) {
			// Already closed.
		}
	}

}
