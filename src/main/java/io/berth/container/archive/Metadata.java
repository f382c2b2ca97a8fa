package io.berth.container.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;

/**
 * Owner, mode and times of a path itself. The JDK changes the mode and times of a path opened with O_NOFOLLOW, which
 * is what we want for files and directories but would block on a FIFO or touch a device, so those go by name.
 */
final class Metadata {

	private Metadata() {
	}

	/** lchown: never a symlink's target. */
	static void chown(Path p, long uid, long gid) throws IOException {
		Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
		Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
	}

	/**
	 * All twelve mode bits, set-id and sticky included; after {@link #chown}, which clears set-id.
	 * @param special a FIFO or device node, changed by name instead of through an open descriptor
	 */
	static void chmod(Path p, int mode, boolean special) throws IOException {
		if (special) {
			Files.setAttribute(p, "unix:mode", mode & 07777);
		}
		else {
			Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
		}
	}

	/** Access and modification times of the path itself (lutimes for a symlink). */
	static void times(Path p, FileTime atime, FileTime mtime) throws IOException {
		Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
			.setTimes(mtime, atime, null);
	}

}
