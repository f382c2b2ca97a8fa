package io.berth.container.archive;

/**
 * Go's {@code os.FileMode} bits, which the {@code mode} of Docker's path stat carries: the permission bits in the low
 * nine, and the file type and set-id bits each in a bit of their own near the top, where Unix keeps them in the
 * {@code S_IFMT} field and octal 7000.
 *
 * @see <a href="https://pkg.go.dev/io/fs#FileMode">io/fs.FileMode</a>
 */
public final class GoFileMode {

	public static final long DIR = 1L << 31;

	public static final long SYMLINK = 1L << 27;

	public static final long DEVICE = 1L << 26;

	public static final long NAMED_PIPE = 1L << 25;

	public static final long SOCKET = 1L << 24;

	public static final long SETUID = 1L << 23;

	public static final long SETGID = 1L << 22;

	public static final long CHAR_DEVICE = 1L << 21;

	public static final long STICKY = 1L << 20;

	private static final int S_IFMT = 0170000;

	private GoFileMode() {
	}

	/** Converts a Unix {@code st_mode} the way Go's {@code fillFileStatFromSys} does. */
	public static long of(int unixMode) {
		long mode = unixMode & 0777;
		switch (unixMode & S_IFMT) {
			case 0060000 -> mode |= DEVICE;
			case 0020000 -> mode |= DEVICE | CHAR_DEVICE;
			case 0040000 -> mode |= DIR;
			case 0010000 -> mode |= NAMED_PIPE;
			case 0120000 -> mode |= SYMLINK;
			case 0140000 -> mode |= SOCKET;
			default -> {
			}
		}
		if ((unixMode & 02000) != 0) {
			mode |= SETGID;
		}
		if ((unixMode & 04000) != 0) {
			mode |= SETUID;
		}
		if ((unixMode & 01000) != 0) {
			mode |= STICKY;
		}
		return mode;
	}

}
