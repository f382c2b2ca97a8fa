package io.berth.build.context;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Deletes directory trees this package made, without ever following a symlink out of them. */
final class Trees {

	private Trees() {
	}

	/**
	 * Deletes the path and everything below it. A symlink is removed, never followed; directories are made
	 * writable first, since an archive may have made them read-only and the daemon need not run as root. Paths are
	 * at most PATH_MAX long, so the recursion stays shallow.
	 */
	static void delete(Path path) throws IOException {
		Stat stat = Stat.lstat(path);
		if (stat == null) {
			return;
		}
		if (stat.isDirectory()) {
			if ((stat.mode() & 0700) != 0700) {
				Stat.chmod(path, 0700);
			}
			try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
				for (Path child : children) {
					delete(child);
				}
			}
		}
		Files.delete(path);
	}

}
