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
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

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
			ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
			byte[] carry = new byte[0];
			long consumed = offset;
			while (ch.read(buf) > 0) {
				buf.flip();
				byte[] chunk = new byte[carry.length + buf.remaining()];
				System.arraycopy(carry, 0, chunk, 0, carry.length);
				buf.get(chunk, carry.length, buf.remaining());
				buf.clear();
				int lineStart = 0;
				for (int i = 0; i < chunk.length; i++) {
					if (chunk[i] == '\n') {
						if (!emit(chunk, lineStart, i - lineStart, q, sink)) {
							return -1;
						}
						consumed += i + 1 - lineStart;
						lineStart = i + 1;
					}
				}
				carry = java.util.Arrays.copyOfRange(chunk, lineStart, chunk.length);
			}
			return consumed;
		}
	}

	private static boolean emit(byte[] b, int off, int len, LogQuery q, Sink sink) throws IOException {
		if (len == 0) {
			return true;
		}
		JsonNode n = JSON.readTree(new String(b, off, len, StandardCharsets.UTF_8));
		boolean stderr = "stderr".equals(n.path("stream").asString());
		if ((stderr && !q.stderr()) || (!stderr && !q.stdout())) {
			return true;
		}
		Instant time = Instant.parse(n.path("time").asString());
		if (q.since() != null && time.isBefore(q.since())) {
			return true;
		}
		if (q.until() != null && time.isAfter(q.until())) {
			return !q.follow() || true;
		}
		return sink.accept(new LogEntry(stderr, time, n.path("log").asString()));
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
