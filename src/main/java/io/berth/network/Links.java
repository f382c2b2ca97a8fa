package io.berth.network;

import java.util.List;

import io.berth.error.SystemException;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

import org.springframework.stereotype.Component;

/**
 * Lists and deletes the network interfaces of the daemon's network namespace by speaking rtnetlink over a socket of
 * its own, so that cleaning up the bridges and veth ends the engine made spawns no {@code ip} process and depends on
 * no iproute2. Each call opens and closes its own socket, so calls from several threads never share one.
 */
@Component
public final class Links {

	private static final int AF_NETLINK = 16;

	private static final int SOCK_RAW = 3;

	private static final int SOCK_CLOEXEC = 02000000;

	private static final int NETLINK_ROUTE = 0;

	/** Makes recv return a datagram's real length, so one too large for the buffer is noticed, not cut. */
	private static final int MSG_TRUNC = 0x20;

	/** Larger than any datagram the kernel makes for a dump, which it caps at 32 KiB. */
	private static final int RECEIVE_BUFFER = 64 * 1024;

	/** Each request has a socket of its own, so one sequence number serves. */
	private static final int SEQ = 1;

	/** A dump the interfaces' changes interrupted is done again, but not forever. */
	private static final int MAX_DUMPS = 5;

	/** The socket calls used, by their C names. */
	public interface LibC {

		int socket(int domain, int type, int protocol);

		@ssize_t
		long send(int fd, @In byte[] buf, @size_t long len, int flags);

		@ssize_t
		long recv(int fd, @Out byte[] buf, @size_t long len, int flags);

		int close(int fd);

	}

	private static final class Holder {

		static final LibC LIBC = LibraryLoader.create(LibC.class).failImmediately().load("c");

		static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

	}

	/** Every interface in the daemon's network namespace. */
	public List<Link> list() {
		for (int attempt = 1;; attempt++) {
			LinksMessages.Replies replies = exchange(LinksMessages.dumpLinks(SEQ), "list the network interfaces");
			if (replies.errno() != 0) {
				throw new SystemException("cannot list the network interfaces: " + errnoText(replies.errno()));
			}
			if (!replies.interrupted()) {
				return List.copyOf(replies.links());
			}
			if (attempt == MAX_DUMPS) {
				throw new SystemException("cannot list the network interfaces: they kept changing during "
						+ MAX_DUMPS + " attempts");
			}
		}
	}

	/**
	 * Deletes the named interface; deleting either end of a veth pair deletes both.
	 * @param name the interface name
	 * @return true when it was deleted, false when there was no such interface
	 * @throws IllegalArgumentException if the name is not a valid interface name
	 */
	public boolean delete(String name) {
		byte[] request = LinksMessages.deleteLink(SEQ, name);
		String what = "delete network interface " + name;
		int errno = exchange(request, what).errno();
		if (errno == 0) {
			return true;
		}
		if (errno == Errno.ENODEV.intValue()) {
			return false;
		}
		throw new SystemException("cannot " + what + ": " + errnoText(errno));
	}

	private static LinksMessages.Replies exchange(byte[] request, String what) {
		LibC c = libc();
		int fd = c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (fd < 0) {
			throw new SystemException("cannot " + what + ": no rtnetlink socket: " + errnoText(lastError()));
		}
		try {
			long sent;
			do {
				sent = c.send(fd, request, request.length, 0);
			}
			while (sent < 0 && lastError() == Errno.EINTR.intValue());
			if (sent != request.length) {
				throw new SystemException("cannot " + what + ": rtnetlink send failed: "
						+ ((sent < 0) ? errnoText(lastError()) : "sent " + sent + " of " + request.length + " bytes"));
			}
			LinksMessages.Replies replies = new LinksMessages.Replies(SEQ);
			byte[] buffer = new byte[RECEIVE_BUFFER];
			while (!replies.finished()) {
				long n = c.recv(fd, buffer, buffer.length, MSG_TRUNC);
				if (n < 0 && lastError() == Errno.EINTR.intValue()) {
					continue;
				}
				if (n <= 0) {
					throw new SystemException("cannot " + what + ": rtnetlink receive failed: "
							+ ((n < 0) ? errnoText(lastError()) : "the socket was closed"));
				}
				if (n > buffer.length) {
					throw new SystemException("cannot " + what + ": an rtnetlink reply of " + n
							+ " bytes is larger than the " + buffer.length + " bytes expected");
				}
				replies.read(buffer, (int) n);
			}
			return replies;
		}
		finally {
			c.close(fd);
		}
	}

	private static LibC libc() {
		try {
			return Holder.LIBC;
		}
		catch (LinkageError ex) {
			throw new SystemException("cannot load libc through jnr-ffi: " + ex.getMessage(), ex);
		}
	}

	private static int lastError() {
		return Holder.RUNTIME.getLastError();
	}

	static String errnoText(int errno) {
		Errno e = Errno.valueOf(errno);
		return (e != null && e.defined()) ? e.description() : "errno " + errno;
	}

}
