package io.berth.logs.view;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Watches log files for every follower with one inotify {@link WatchService} and one thread. Each directory is
 * registered once, however many files in it are watched, and unregistered when its last watch is cancelled. The
 * watcher thread only dispatches: the work a change causes runs on a small shared pool, so a slow follower delays
 * no one's wakeups.
 */
final class LogWatcher implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(LogWatcher.class);

	private final WatchService service;

	private final ExecutorService pool;

	private final Map<Path, Directory> directories = new HashMap<>();

	LogWatcher(int poolThreads) throws IOException {
		this.service = FileSystems.getDefault().newWatchService();
		AtomicInteger count = new AtomicInteger();
		this.pool = Executors.newFixedThreadPool(poolThreads,
				(task) -> daemon(task, "berth-log-follow-" + count.incrementAndGet()));
		daemon(this::run, "berth-log-watcher").start();
	}

	/**
	 * Runs {@code onChange} whenever the file is created or written. The file need not exist; its directory is
	 * created if missing, as the monitor would create it.
	 */
	synchronized Watch watch(Path file, Runnable onChange) throws IOException {
		Path absolute = file.toAbsolutePath().normalize();
		Path dir = absolute.getParent();
		Directory directory = this.directories.get(dir);
		if (directory == null) {
			Files.createDirectories(dir);
			WatchKey key = dir.register(this.service, StandardWatchEventKinds.ENTRY_CREATE,
					StandardWatchEventKinds.ENTRY_MODIFY);
			directory = new Directory(key);
			this.directories.put(dir, directory);
		}
		Watch watch = new Watch(dir, absolute.getFileName(), onChange);
		directory.watches.add(watch);
		return watch;
	}

	/** Runs work on the shared pool. */
	void execute(Runnable task) {
		try {
			this.pool.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// Shutting down: nothing is followed any more.
		}
	}

	/** How many directories are registered; for tests. */
	synchronized int directoryCount() {
		return this.directories.size();
	}

	@Override
	public void close() {
		try {
			this.service.close();
		}
		catch (IOException ex) {
			logger.debug("Closing the log watch service failed", ex);
		}
		this.pool.shutdownNow();
	}

	private synchronized void cancel(Watch watch) {
		Directory directory = this.directories.get(watch.dir);
		if (directory != null && directory.watches.remove(watch) && directory.watches.isEmpty()) {
			directory.key.cancel();
			this.directories.remove(watch.dir);
		}
	}

	private void run() {
		while (true) {
			WatchKey key;
			try {
				key = this.service.take();
			}
			catch (ClosedWatchServiceException | InterruptedException ex) {
				return;
			}
			for (Watch watch : changed(key, key.pollEvents())) {
				try {
					watch.onChange.run();
				}
				catch (RuntimeException ex) {
					logger.warn("A log follower failed to wake", ex);
				}
			}
		}
	}

	private synchronized List<Watch> changed(WatchKey key, List<WatchEvent<?>> events) {
		Path dir = (Path) key.watchable();
		Directory directory = this.directories.get(dir);
		boolean valid = key.reset();
		if (directory == null || directory.key != key) {
			return List.of();
		}
		if (!valid) {
			// The directory is gone; a later watch on it registers it afresh.
			this.directories.remove(dir);
		}
		Set<Watch> changed = new LinkedHashSet<>();
		for (WatchEvent<?> event : events) {
			for (Watch watch : directory.watches) {
				if (event.kind() == StandardWatchEventKinds.OVERFLOW || watch.name.equals(event.context())) {
					changed.add(watch);
				}
			}
		}
		return new ArrayList<>(changed);
	}

	private static Thread daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	private static final class Directory {

		final WatchKey key;

		final List<Watch> watches = new ArrayList<>();

		Directory(WatchKey key) {
			this.key = key;
		}

	}

	/** One file's watch; cancelling it unregisters the directory when it was the last one there. */
	final class Watch {

		private final Path dir;

		private final Path name;

		private final Runnable onChange;

		private Watch(Path dir, Path name, Runnable onChange) {
			this.dir = dir;
			this.name = name;
			this.onChange = onChange;
		}

		void cancel() {
			LogWatcher.this.cancel(this);
		}

	}

}
