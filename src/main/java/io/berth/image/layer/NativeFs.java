package io.berth.image.layer;

import java.nio.file.Path;
import java.util.Optional;

import io.berth.error.SystemException;
import jnr.constants.platform.Errno;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * The file system calls the JDK lacks (mknod, lchown, lsetxattr, exact symlink text, setuid-preserving chmod,
 * nanosecond times without following links), made through libc with jnr-ffi. None of them follows a final symlink
 * except {@link #chmod}, which callers use only on paths they know are not links.
 */
final class NativeFs {

	static final int S_IFIFO = 0010000;

	static final int S_IFCHR = 0020000;

	static final int S_IFBLK = 0060000;

	private static final int AT_FDCWD = -100;

	private static final int AT_SYMLINK_NOFOLLOW = 0x100;

	/** The libc functions used, by their C names. */
	public interface LibC {

		int mknod(String path, int mode, long dev);

		int lchown(String path, int owner, int group);

		int chmod(String path, int mode);

		int symlink(String target, String linkPath);

		int lsetxattr(String path, String name, @In byte[] value, long size, int flags);

		long lgetxattr(String path, String name, @Out byte[] value, long size);

		int utimensat(int dirfd, String path, @In long[] times, int flags);

	}

	private static final class Holder {

		static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

		static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

	}

	private NativeFs() {
	}

	/** Linux's {@code makedev} for 64-bit {@code dev_t}. */
	static long makedev(long major, long minor) {
		return ((major & 0xfffff000L) << 32) | ((major & 0xfffL) << 8) | ((minor & 0xffffff00L) << 12)
				| (minor & 0xffL);
	}

	/** Creates a device node, FIFO or overlay whiteout; returns the errno on failure, 0 on success. */
	static int mknod(Path path, int mode, long dev) {
		return check(libc().mknod(path.toString(), mode, dev));
	}

	/** Changes the owner of the path itself, never a link's target; returns the errno, 0 on success. */
	static int lchown(Path path, long uid, long gid) {
		return check(libc().lchown(path.toString(), (int) uid, (int) gid));
	}

	/** Sets all twelve permission bits, setuid, setgid and sticky included, which the JDK cannot. */
	static void chmod(Path path, int mode) {
		if (check(libc().chmod(path.toString(), mode & 07777)) != 0) {
			throw new SystemException("cannot chmod " + path + ": " + lastErrorText());
		}
	}

	/** Creates a symlink holding exactly the given text, which the JDK would normalise. */
	static void symlink(String target, Path link) {
		if (check(libc().symlink(target, link.toString())) != 0) {
			throw new SystemException("cannot create symlink " + link + ": " + lastErrorText());
		}
	}

	/** Sets an extended attribute on the path itself; returns the errno, 0 on success. */
	static int lsetxattr(Path path, String name, byte[] value) {
		return check(libc().lsetxattr(path.toString(), name, value, value.length, 0));
	}

	/** Reads an extended attribute of the path itself. */
	static Optional<byte[]> lgetxattr(Path path, String name) {
		byte[] buf = new byte[4096];
		long n = libc().lgetxattr(path.toString(), name, buf, buf.length);
		if (n < 0) {
			return Optional.empty();
		}
		byte[] out = new byte[(int) n];
		System.arraycopy(buf, 0, out, 0, (int) n);
		return Optional.of(out);
	}

	/** Sets access and modification times of the path itself, in nanoseconds since the epoch. */
	static int lutimes(Path path, long atimeSeconds, long atimeNanos, long mtimeSeconds, long mtimeNanos) {
		long[] times = { atimeSeconds, atimeNanos, mtimeSeconds, mtimeNanos };
		return check(libc().utimensat(AT_FDCWD, path.toString(), times, AT_SYMLINK_NOFOLLOW));
	}

	static String lastErrorText() {
		int errno = Holder.RUNTIME.getLastError();
		Errno e = Errno.valueOf(errno);
		return (e != null && e.defined()) ? e.description() : "errno " + errno;
	}

	static boolean isEperm(int errno) {
		return errno == Errno.EPERM.intValue();
	}

	static boolean isUnsupported(int errno) {
		return errno == Errno.EOPNOTSUPP.intValue() || errno == Errno.ENOTSUP.intValue()
				|| errno == Errno.EPERM.intValue();
	}

	/** EINVAL, ERANGE or E2BIG from lsetxattr: the name or value is malformed or too large for the kernel. */
	static boolean isInvalidArgument(int errno) {
		return errno == Errno.EINVAL.intValue();
	}

	static boolean isInvalidXattr(int errno) {
		return errno == Errno.EINVAL.intValue() || errno == Errno.ERANGE.intValue() || errno == Errno.E2BIG.intValue();
	}

	private static int check(long rc) {
		return (rc == 0) ? 0 : Holder.RUNTIME.getLastError();
	}

	private static LibC libc() {
		try {
			return Holder.LIBC;
		}
		catch (LinkageError ex) {
			throw new SystemException("cannot load libc through jnr-ffi: " + ex.getMessage(), ex);
		}
	}

}
