package io.berth.logs.view;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.berth.error.InvalidParameterException;

/**
 * Hands the records appended to one log to a listener. Each wakeup reads from where the last one stopped; wakeups
 * that arrive while a read is running fold into one more read, so reads never overlap and lines stay in order.
 */
final class LogFollower implements LogFollow {

	private static final Log logger = LogFactory.getLog(LogFollower.class);

	/** Bounds the memory a burst of output can take: a long burst reaches the listener as several batches. */
	static final int MAX_BATCH = 1000;

	private final Path file;

	private final LogFilter filter;

	private final Consumer<List<LogLine>> listener;

	private final LogRecords records;

	private final LogWatcher watcher;

	private final long from;

	private final AtomicInteger wakeups = new AtomicInteger();

	private LogWatcher.Watch watch;

	private volatile boolean closed;

	private Object fileKey;

	private long offset;

	private long next;

	LogFollower(Path file, LogFilter filter, Consumer<List<LogLine>> listener, LogRecords records, LogWatcher watcher,
			Object fileKey, long offset, long from) {
		this.file = file;
		this.filter = filter;
		this.listener = listener;
		this.records = records;
		this.watcher = watcher;
		this.fileKey = fileKey;
		this.offset = offset;
		this.from = from;
		this.next = from;
	}

	void start() throws IOException {
		this.watch = this.watcher.watch(this.file, this::wake);
		// Whatever was appended before the watch existed raised no event: read it now.
		wake();
	}

	@Override
	public long from() {
		return this.from;
	}

	@Override
	public void close() {
		this.closed = true;
		LogWatcher.Watch w = this.watch;
		if (w != null) {
			w.cancel();
		}
	}

	private void wake() {
		if (!this.closed && this.wakeups.getAndIncrement() == 0) {
			this.watcher.execute(this::drain);
		}
	}

	private void drain() {
		int seen;
		do {
			seen = this.wakeups.get();
			if (!this.closed) {
				readAppended();
			}
		}
		while (this.wakeups.addAndGet(-seen) != 0);
	}

	private void readAppended() {
		try {
			BasicFileAttributes attributes;
			try {
				attributes = Files.readAttributes(this.file, BasicFileAttributes.class);
			}
			catch (NoSuchFileException ex) {
				return;
			}
			if ((this.fileKey != null && !this.fileKey.equals(attributes.fileKey())) || attributes.size() < this.offset) {
				// Another file now has the path: it is read from its start.
				this.offset = 0;
			}
			this.fileKey = attributes.fileKey();
			if (attributes.size() == this.offset) {
				return;
			}
			Search search = new Search(this.filter);
			List<LogLine> batch = new ArrayList<>();
			try (FileChannel channel = FileChannel.open(this.file, StandardOpenOption.READ)) {
				this.offset = this.records.scan(channel, this.offset, attributes.size(), (start, end, record) -> {
					if (search.accepts(record)) {
						batch.add(LogViews.line(this.next++, record));
						if (batch.size() == MAX_BATCH) {
							deliver(batch);
						}
					}
					this.offset = end;
					return !this.closed;
				});
			}
			finally {
				// Whatever was read is handed over even when the read fails, since the offset has moved past it.
				deliver(batch);
			}
		}
		catch (InvalidParameterException ex) {
			logger.warn("Stopped following " + this.file + ": " + ex.getMessage());
			close();
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Reading the appended records of " + this.file + " failed", ex);
		}
	}

	private void deliver(List<LogLine> batch) {
		if (batch.isEmpty() || this.closed) {
			return;
		}
		List<LogLine> lines = List.copyOf(batch);
		batch.clear();
		try {
			this.listener.accept(lines);
		}
		catch (RuntimeException ex) {
			logger.warn("A log listener for " + this.file + " failed", ex);
		}
	}

}
