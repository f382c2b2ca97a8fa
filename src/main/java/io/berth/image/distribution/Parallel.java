package io.berth.image.distribution;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.berth.error.EngineException;
import io.berth.error.SystemException;

/**
 * Runs a pull's downloads or a push's uploads a few at a time, all or nothing: the first failure stops the tasks not
 * yet started, lets the caller abort those running, hands back what the finished ones made for cleaning up, and is
 * what the caller sees.
 */
final class Parallel {

	private Parallel() {
	}

	/**
	 * @param abort called once, at the first failure, to stop running tasks (e.g. by closing their connections)
	 * @param discard called, after every task has ended, for each result of a pull that failed
	 * @return the results in task order
	 */
	static <T> List<T> run(List<Callable<T>> tasks, int parallel, String threadName, Runnable abort,
			Consumer<T> discard) {
		if (tasks.isEmpty()) {
			return List.of();
		}
		ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, tasks.size()), (r) -> {
			Thread t = new Thread(r, threadName);
			t.setDaemon(true);
			return t;
		});
		try {
			List<Future<T>> futures = new ArrayList<>();
			tasks.forEach((task) -> futures.add(pool.submit(task)));
			EngineException failure = null;
			List<T> results = new ArrayList<>();
			for (Future<T> f : futures) {
				try {
					results.add(f.get());
				}
				catch (ExecutionException ex) {
					if (failure == null) {
						failure = (ex.getCause() instanceof EngineException ee) ? ee
								: new SystemException(String.valueOf(ex.getCause().getMessage()), ex.getCause());
						futures.forEach((other) -> other.cancel(false));
						abort.run();
					}
				}
				catch (CancellationException ex) {
					// Not started before the first failure.
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					if (failure == null) {
						failure = new SystemException("interrupted");
						futures.forEach((other) -> other.cancel(false));
						abort.run();
					}
				}
			}
			if (failure != null) {
				pool.shutdown();
				awaitQuietly(pool);
				results.forEach(discard);
				throw failure;
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static void awaitQuietly(ExecutorService pool) {
		try {
			pool.awaitTermination(60, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
