package io.berth.volume;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/** The apparent size of a directory tree, as dockerd's {@code directory.Size}: hard links count once. */
public final class DirectorySize {

	private DirectorySize() {
	}

	public static long of(Path dir) {
		if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
			return 0;
		}
		long[] total = { 0 };
		Set<Object> seen = new HashSet<>();
		try {
			Files.walkFileTree(dir, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
					if (attrs.isDirectory()) {
						return FileVisitResult.CONTINUE;
					}
					Object inode = attrs.fileKey();
					if (inode == null || seen.add(inode)) {
						total[0] += attrs.size();
					}
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) {
					// A file removed while we walk, or one we may not read: dockerd skips those too.
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			return total[0];
		}
		return total[0];
	}

}
