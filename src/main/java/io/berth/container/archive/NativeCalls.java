package io.berth.container.archive;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The libc calls the JDK lacks here: listing, reading and setting xattrs of a path itself (overlay's opaque marker,
 * and the xattrs a commit keeps) and mknod. None follows a final symlink. {@code io.berth.image.layer.NativeFs} has
 * the same calls but is private to the layer store.
 */
final class NativeCalls {

	static final int S_IFIFO = 0010000;

	static final int S_IFCHR = 0020000;

	static final int S_IFBLK = 0060000;

	/** The libc functions used, by their C names. */
	public interface LibC {

		long lgetxattr(String path, String name, @Out byte[] value, long size);

		long llistxattr(String path, @Out byte[] list, long size);

		int lsetxattr(String path, String name, @In byte[] value, long size, int flags);

		int mknod(String path, int mode, long dev);

	}

	private static final class Holder {

		static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

		static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

	}

	private NativeCalls() {
	}

	static Optional<byte[]> lgetxattr(Path path, String name) {
		byte[] buf = new byte[256];
		long n = Holder.LIBC.lgetxattr(path.toString(), name, buf, buf.length);
		if (n < 0) {
			return Optional.empty();
		}
		byte[] out = new byte[(int) n];
		System.arraycopy(buf, 0, out, 0, (int) n);
		return Optional.of(out);
	}

	/** The names of the path's own xattrs; empty when it has none or the file system keeps none. */
	static List<String> llistxattr(Path path) {
		long size = Holder.LIBC.llistxattr(path.toString(), null, 0);
		if (size <= 0) {
			return List.of();
		}
		byte[] buf = new byte[(int) size];
		long n = Holder.LIBC.llistxattr(path.toString(), buf, buf.length);
		List<String> names = new ArrayList<>();
		int start = 0;
		for (int i = 0; i < n; i++) {
			if (buf[i] == 0) {
				names.add(new String(buf, start, i - start, StandardCharsets.UTF_8));
				start = i + 1;
			}
		}
		return names;
	}

	/** Returns 0, or the errno. */
	static int lsetxattr(Path path, String name, byte[] value) {
		return (Holder.LIBC.lsetxattr(path.toString(), name, value, value.length, 0) == 0) ? 0
				: Holder.RUNTIME.getLastError();
	}

	/** Returns 0, or the errno. */
	static int mknod(Path path, int mode, long dev) {
		return (Holder.LIBC.mknod(path.toString(), mode, dev) == 0) ? 0 : Holder.RUNTIME.getLastError();
	}

	static boolean isEperm(int errno) {
		return errno == Errno.EPERM.intValue();
	}

	static String describe(int errno) {
		Errno e = Errno.valueOf(errno);
		return (e != null && e.defined()) ? e.description() : "errno " + errno;
	}

	/** Linux's {@code makedev} for a 64-bit {@code dev_t}. */
	static long makedev(long major, long minor) {
		return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12)
				| (minor & 0xffL);
	}

	static long major(long dev) {
		return ((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL);
	}

	static long minor(long dev) {
		return ((dev >>> 12) & 0xffffff00L) | (dev & 0xffL);
	}

}
