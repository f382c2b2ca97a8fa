package io.berth.network.dns;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.berth.error.SystemException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The one thread that serves every container's DNS socket and every forwarded query, through one selector. Other
 * threads change what it serves only by handing it a task and waking it, because registering a channel with a
 * selector blocks while another thread is selecting on it.
 */
final class DnsLoop {

	private static final Log logger = LogFactory.getLog(DnsLoop.class);

	/** Long enough for any task, which only opens, registers or closes channels; short enough to notice a dead loop. */
	private static final Duration TASK_TIMEOUT = Duration.ofSeconds(30);

	/** What a selection key is attached to: it is told when its channel is ready. */
	@FunctionalInterface
	interface Ready {

		void ready(SelectionKey key) throws IOException;

	}

	private final Selector selector;

	private final UpstreamForwarder forwarder;

	private final Queue<FutureTask<?>> tasks = new ConcurrentLinkedQueue<>();

	private final Thread thread;

	private volatile boolean running = true;

	DnsLoop(Duration attemptTimeout, int maxPending) throws IOException {
		this.selector = Selector.open();
		this.forwarder = new UpstreamForwarder(this.selector, attemptTimeout, maxPending);
		this.thread = new Thread(this::run, "berth-dns");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	Selector selector() {
		return this.selector;
	}

	UpstreamForwarder forwarder() {
		return this.forwarder;
	}

	/** Runs the task on the loop's thread and waits for it, so that its effect is complete when this returns. */
	<T> T call(Callable<T> task) {
		if (Thread.currentThread() == this.thread) {
			try {
				return task.call();
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new SystemException(ex.getMessage(), ex);
			}
		}
		if (!this.running || !this.thread.isAlive()) {
			throw new SystemException("the embedded DNS server has stopped");
		}
		FutureTask<T> future = new FutureTask<>(task);
		this.tasks.add(future);
		this.selector.wakeup();
		try {
			return future.get(TASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new SystemException(String.valueOf(ex.getCause().getMessage()), ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SystemException("interrupted while waiting for the embedded DNS server", ex);
		}
		catch (TimeoutException ex) {
			throw new SystemException("the embedded DNS server did not respond in " + TASK_TIMEOUT.toSeconds() + "s");
		}
	}

	/** Runs the last tasks (closing what is left is the caller's), then ends the thread and closes the selector. */
	void stop() {
		this.running = false;
		this.selector.wakeup();
		try {
			this.thread.join(TASK_TIMEOUT.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void run() {
		try {
			while (this.running) {
				step();
			}
			runTasks();
		}
		finally {
			this.forwarder.closeAll();
			try {
				this.selector.close();
			}
			catch (IOException ex) {
				logger.debug("closing the DNS selector failed", ex);
			}
			FutureTask<?> task;
			while ((task = this.tasks.poll()) != null) {
				task.cancel(false);
			}
		}
	}

	private void step() {
		try {
			long wait = this.forwarder.nanosToNextDeadline(System.nanoTime());
			if (wait < 0) {
				this.selector.select();
			}
			else if (wait < TimeUnit.MILLISECONDS.toNanos(1)) {
				this.selector.selectNow();
			}
			else {
				this.selector.select(TimeUnit.NANOSECONDS.toMillis(wait));
			}
			runTasks();
			Iterator<SelectionKey> selected = this.selector.selectedKeys().iterator();
			while (selected.hasNext()) {
				SelectionKey key = selected.next();
				selected.remove();
				if (key.isValid()) {
					serve(key);
				}
			}
			this.forwarder.expire(System.nanoTime());
		}
		catch (IOException | RuntimeException ex) {
			// One container's bad packet or a bug must not take DNS away from every container.
			logger.warn("embedded DNS server: " + ex, ex);
		}
	}

	private static void serve(SelectionKey key) {
		try {
			((Ready) key.attachment()).ready(key);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("embedded DNS server: " + ex, ex);
		}
	}

	private void runTasks() {
		FutureTask<?> task;
		while ((task = this.tasks.poll()) != null) {
			task.run();
		}
	}

}
