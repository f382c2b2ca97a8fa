package io.berth.logs.view;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.berth.error.SystemException;

/**
 * The dashboard's views of container logs: pages of filtered lines as HTML, downloads, merged views of several
 * containers, and following. Paging keeps a sparse index per file and filter (see {@link LogIndex}), so after the
 * first request on a log a page costs about {@code count + spacing} records, however long the log. Thread-safe.
 */
@Component
public class LogViews implements DisposableBean {

	/** The most lines one page or merged view returns. */
	public static final int MAX_COUNT = 1000;

	static final int DEFAULT_SPACING = 256;

	static final int DEFAULT_CAPACITY = 64;

	/** Threads that read appended records and call listeners, shared by all followers. */
	private static final int FOLLOW_THREADS = 4;

	private final int spacing;

	private final Map<IndexKey, LogIndex> indexes;

	private final LongAdder bytesRead = new LongAdder();

	private final LogRecords records = new LogRecords(this.bytesRead);

	private LogWatcher watcher;

	/** A container's log in a merged view, under the name the view shows for it. */
	public record Source(String container, Path file) {

		public Source {
			Objects.requireNonNull(container, "container");
			Objects.requireNonNull(file, "file");
		}

	}

	public LogViews() {
		this(DEFAULT_SPACING, DEFAULT_CAPACITY);
	}

	/** For tests: a checkpoint every {@code spacing} passing records, and at most {@code capacity} indexes. */
	LogViews(int spacing, int capacity) {
		if (spacing < 1 || capacity < 1) {
			throw new IllegalArgumentException("spacing and capacity must be positive");
		}
		this.spacing = spacing;
		this.indexes = new LinkedHashMap<>(16, 0.75f, true) {

			@Override
			protected boolean removeEldestEntry(Map.Entry<IndexKey, LogIndex> eldest) {
				return size() > capacity;
			}

		};
	}

	/**
	 * The records with indexes {@code [from, from + count)} among those of the file that pass the filter, or the
	 * last {@code count} when {@code from} is negative. {@code count} is clamped to 1..{@value #MAX_COUNT}; a missing
	 * file is an empty log.
	 */
	public LogPage page(Path file, LogFilter filter, long from, int count) {
		return page(file, new Search(filter), from, clamp(count));
	}

	/**
	 * The whole filtered log as plain text, one record a line, optionally after its time; {@code out} stays open. A
	 * search pattern that proves too expensive fails with a 400 error part-way, after some lines were written.
	 */
	public void write(Path file, LogFilter filter, boolean timestamps, OutputStream out) throws IOException {
		Search search = new Search(filter);
		long size;
		try {
			size = Files.size(file);
		}
		catch (NoSuchFileException ex) {
			return;
		}
		OutputStream buffered = new BufferedOutputStream(out, 64 * 1024);
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			this.records.scan(channel, 0, size, (start, end, record) -> {
				if (search.accepts(record)) {
					String line = timestamps ? record.time() + " " + record.plainText() : record.plainText();
					try {
						buffered.write(line.getBytes(StandardCharsets.UTF_8));
						buffered.write('\n');
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
				}
				return true;
			});
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
		buffered.flush();
	}

	/**
	 * The last {@code count} filtered lines of all the sources, interleaved by time. Lines with the same time keep
	 * their order within a source and, across sources, the order of the sources.
	 */
	public List<MergedLine> merged(List<Source> sources, LogFilter filter, int count) {
		int n = clamp(count);
		Search search = new Search(filter);
		List<List<LogLine>> tails = new ArrayList<>();
		List<List<Instant>> times = new ArrayList<>();
		for (Source source : sources) {
			List<LogLine> lines = page(source.file(), search, -1, n).lines();
			tails.add(lines);
			times.add(lines.stream().map((line) -> LogTimes.parse(line.time())).toList());
		}
		// Merging from the end takes just the last n lines; on equal times the later source goes first.
		int[] remaining = tails.stream().mapToInt(List::size).toArray();
		List<MergedLine> merged = new ArrayList<>(n);
		while (merged.size() < n) {
			int latest = -1;
			for (int s = 0; s < remaining.length; s++) {
				if (remaining[s] > 0 && (latest < 0
						|| !times.get(s).get(remaining[s] - 1).isBefore(times.get(latest).get(remaining[latest] - 1)))) {
					latest = s;
				}
			}
			if (latest < 0) {
				break;
			}
			remaining[latest]--;
			merged.add(new MergedLine(sources.get(latest).container(), tails.get(latest).get(remaining[latest])));
		}
		Collections.reverse(merged);
		return merged;
	}

	/**
	 * Hands every record that passes the filter and is appended after this call to the listener, in order, in
	 * batches of what is there at each wakeup, numbered on from the filtered total now. The file need not exist
	 * yet. Listeners run on a small pool shared by all followers; one that throws is logged and keeps its follow.
	 */
	public LogFollow follow(Path file, LogFilter filter, Consumer<List<LogLine>> listener) {
		Objects.requireNonNull(listener, "listener");
		LogIndex index = index(file, filter);
		LogFollower follower;
		synchronized (index) {
			boolean exists = refresh(file, index, new Search(filter));
			follower = new LogFollower(file, filter, listener, this.records, watcher(), exists ? index.fileKey() : null,
					exists ? index.scanned() : 0, exists ? index.total() : 0);
		}
		try {
			follower.start();
		}
		catch (IOException ex) {
			throw new SystemException("cannot follow " + file + ": " + ex.getMessage(), ex);
		}
		return follower;
	}

	@Override
	public void destroy() {
		LogWatcher w;
		synchronized (this) {
			w = this.watcher;
			this.watcher = null;
		}
		if (w != null) {
			w.close();
		}
	}

	static LogLine line(long n, LogRecord record) {
		return new LogLine(n, record.time(), record.stderr(), AnsiHtml.toHtml(record.text()), record.plainText());
	}

	/** How many bytes all reads of log files took so far; for tests that check a page reads a bounded amount. */
	long bytesRead() {
		return this.bytesRead.sum();
	}

	/** How many checkpoints the index of this file and filter holds, or -1 when there is none; for tests. */
	int checkpointCount(Path file, LogFilter filter) {
		LogIndex index;
		synchronized (this.indexes) {
			index = this.indexes.get(new IndexKey(file.toAbsolutePath().normalize(), filter));
		}
		if (index == null) {
			return -1;
		}
		synchronized (index) {
			return index.checkpointCount();
		}
	}

	/** How many directories the shared watch has registered; for tests. */
	synchronized int watchedDirectoryCount() {
		return (this.watcher != null) ? this.watcher.directoryCount() : 0;
	}

	/** How many indexes are kept; for tests. */
	int indexCount() {
		synchronized (this.indexes) {
			return this.indexes.size();
		}
	}

	private LogPage page(Path file, Search search, long from, int count) {
		LogIndex index = index(file, search.filter());
		synchronized (index) {
			if (!refresh(file, index, search)) {
				return LogPage.empty();
			}
			long total = index.total();
			long start = (from < 0) ? Math.max(0, total - count) : from;
			if (start >= total) {
				return new LogPage(total, start, List.of());
			}
			return new LogPage(total, start, read(file, index, search, start, (int) Math.min(count, total - start)));
		}
	}

	/**
	 * Extends the index over what was appended since it was last extended; returns false, dropping the index, when
	 * the file does not exist.
	 */
	private boolean refresh(Path file, LogIndex index, Search search) {
		try {
			BasicFileAttributes attributes;
			try {
				attributes = Files.readAttributes(file, BasicFileAttributes.class);
			}
			catch (NoSuchFileException ex) {
				index.reset(null);
				synchronized (this.indexes) {
					this.indexes.remove(new IndexKey(file.toAbsolutePath().normalize(), search.filter()), index);
				}
				return false;
			}
			if (!index.isFor(attributes.fileKey(), attributes.size())) {
				index.reset(attributes.fileKey());
			}
			if (attributes.size() > index.scanned()) {
				try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
					long end = this.records.scan(channel, index.scanned(), attributes.size(), (start, recordEnd, record) -> {
						if (search.accepts(record)) {
							index.addMatch(start, recordEnd);
						}
						else {
							index.skipTo(recordEnd);
						}
						return true;
					});
					index.skipTo(end);
				}
			}
			return true;
		}
		catch (NoSuchFileException ex) {
			return false;
		}
		catch (IOException ex) {
			throw new SystemException("cannot read the log " + file + ": " + ex.getMessage(), ex);
		}
	}

	/** The passing records with indexes {@code [start, start + count)}, read from the nearest checkpoint before. */
	private List<LogLine> read(Path file, LogIndex index, Search search, long start, int count) {
		List<LogLine> lines = new ArrayList<>(count);
		long[] n = { index.checkpointedIndexBefore(start) };
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			this.records.scan(channel, index.checkpointBefore(start), index.scanned(), (recordStart, end, record) -> {
				if (search.accepts(record)) {
					if (n[0] >= start) {
						lines.add(line(n[0], record));
					}
					n[0]++;
				}
				return lines.size() < count;
			});
		}
		catch (IOException ex) {
			throw new SystemException("cannot read the log " + file + ": " + ex.getMessage(), ex);
		}
		return lines;
	}

	private LogIndex index(Path file, LogFilter filter) {
		IndexKey key = new IndexKey(file.toAbsolutePath().normalize(), filter);
		synchronized (this.indexes) {
			return this.indexes.computeIfAbsent(key, (k) -> new LogIndex(this.spacing));
		}
	}

	private synchronized LogWatcher watcher() {
		if (this.watcher == null) {
			try {
				this.watcher = new LogWatcher(FOLLOW_THREADS);
			}
			catch (IOException ex) {
				throw new SystemException("cannot watch logs: " + ex.getMessage(), ex);
			}
		}
		return this.watcher;
	}

	private static int clamp(int count) {
		return Math.max(1, Math.min(MAX_COUNT, count));
	}

	private record IndexKey(Path file, LogFilter filter) {
	}

}
