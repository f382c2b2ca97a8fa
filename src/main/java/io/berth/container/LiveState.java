package io.berth.container;

import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * The in-memory half of a container's state: futures that waiters block on, and attach requests that arrived
 * before the container started. It is rebuilt from the database at start-up, so losing it loses nothing.
 */
final class LiveState {

	/** Completes at the next exit (not at a restart policy's re-start). */
	volatile CompletableFuture<ExitStatus> nextExit = new CompletableFuture<>();

	/** Completes when the container is removed. */
	final CompletableFuture<ExitStatus> removed = new CompletableFuture<>();

	/** Attach requests waiting for the monitor: each gets the monitor socket path when the container starts. */
	final List<ContainerLifecycle.PendingAttach> pendingAttaches = new CopyOnWriteArrayList<>();

	/** The connection held open to the monitor; it closes when the container exits. */
	volatile SocketChannel watch;

	/** How many {@code docker cp} calls are reading or writing the container's files; guarded by its lock. */
	int copies;

	/** Whether the freezer is on for those copies rather than for a user's pause; guarded by its lock. */
	boolean frozenForCopies;

	void completeExit(ExitStatus status) {
		CompletableFuture<ExitStatus> f = this.nextExit;
		this.nextExit = new CompletableFuture<>();
		f.complete(status);
	}

}
