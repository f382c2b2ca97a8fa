package io.berth.network.dns;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import io.berth.error.SystemException;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Runs socket-making code inside another network namespace. A socket belongs to the namespace of the thread that
 * made it, and {@code setns} moves only the calling thread, so each call gets a new platform thread of its own that
 * enters the namespace, makes the sockets, goes back and ends: no thread the daemon keeps can be left in a
 * container's namespace, even when going back fails.
 */
final class NetworkNamespace {

	static final int CLONE_NEWNET = 0x40000000;

	private static final int O_RDONLY = 0;

	private static final int O_CLOEXEC = 02000000;

	private static final String OWN_NAMESPACE = "/proc/thread-self/ns/net";

	/** The libc functions used, by their C names. */
	public interface LibC {

		int open(String path, int flags);

		int close(int fd);

		int setns(int fd, int nstype);

	}

	/** Code that makes sockets, or fails to. */
	@FunctionalInterface
	interface SocketMaker<T> {

		T make() throws IOException;

	}

	/** Undoes what a {@link SocketMaker} made when the thread could not get back, so nothing made is leaked. */
	@FunctionalInterface
	interface Discard<T> {

		void discard(T made);

	}

	private static final class Holder {

		static final LibC LIBC = LibraryLoader.create(LibC.class).failImmediately().load("c");

		static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

	}

	private NetworkNamespace() {
	}

	/**
	 * Runs {@code maker} inside the namespace that {@code netns} is a handle of (such as {@code /run/netns/NAME} or
	 * {@code /proc/PID/ns/net}) and returns what it made.
	 * @throws IOException if the maker failed
	 * @throws SystemException if the namespace could not be entered, or left
	 */
	static <T> T call(Path netns, SocketMaker<T> maker, Discard<T> discard) throws IOException {
		AtomicReference<T> made = new AtomicReference<>();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		Thread thread = new Thread(() -> {
			try {
				made.set(inside(netns, maker, discard));
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
		}, "berth-dns-netns");
		thread.setDaemon(true);
		thread.start();
		joinUninterruptibly(thread);
		Throwable ex = failure.get();
		if (ex instanceof IOException io) {
			throw io;
		}
		if (ex instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (ex instanceof Error error) {
			throw error;
		}
		if (ex != null) {
			throw new SystemException(ex.getMessage(), ex);
		}
		return made.get();
	}

	private static <T> T inside(Path netns, SocketMaker<T> maker, Discard<T> discard) throws IOException {
		LibC libc = Holder.LIBC;
		int own = libc.open(OWN_NAMESPACE, O_RDONLY | O_CLOEXEC);
		if (own < 0) {
			throw failure("cannot open " + OWN_NAMESPACE);
		}
		try {
			int target = libc.open(netns.toString(), O_RDONLY | O_CLOEXEC);
			if (target < 0) {
				throw failure("cannot open the network namespace " + netns);
			}
			try {
				if (libc.setns(target, CLONE_NEWNET) != 0) {
					throw failure("cannot enter the network namespace " + netns);
				}
			}
			finally {
				libc.close(target);
			}
			T result = null;
			try {
				result = maker.make();
			}
			finally {
				if (libc.setns(own, CLONE_NEWNET) != 0) {
					SystemException stuck = failure("cannot return from the network namespace " + netns);
					if (result != null) {
						discard.discard(result);
					}
					// The thread ends with this, so it is never used again in the container's namespace.
					throw stuck;
				}
			}
			return result;
		}
		finally {
			libc.close(own);
		}
	}

	private static SystemException failure(String what) {
		int errno = Holder.RUNTIME.getLastError();
		Errno e = Errno.valueOf(errno);
		return new SystemException(what + ": " + ((e != null && e.defined()) ? e.description() : "errno " + errno));
	}

	private static void joinUninterruptibly(Thread thread) {
		boolean interrupted = false;
		while (true) {
			try {
				thread.join();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

}
