package io.berth.build.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What {@code lstat} says about a path, with the full Unix mode: the JDK's POSIX view drops the setuid, setgid and
 * sticky bits, which COPY must keep.
 *
 * @param type the kind of file
 * @param mode the permission bits, setuid, setgid and sticky included ({@code 07777})
 * @param rdev the device number of a character or block device, else 0
 */
record Stat(Type type, int mode, int uid, int gid, long size, FileTime modified, long rdev) {

	private static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime,rdev";

	/** The file types of {@code st_mode}. */
	enum Type {

		FILE('f'), DIRECTORY('d'), SYMLINK('l'), CHAR_DEVICE('c'), BLOCK_DEVICE('b'), FIFO('p'), SOCKET('s');

		private final char letter;

		Type(char letter) {
			this.letter = letter;
		}

		char letter() {
			return this.letter;
		}

	}

	/** The path's own metadata, never its symlink target's; null when nothing is there. */
	static @Nullable Stat lstat(Path path) throws IOException {
		Map<String, Object> a;
		try {
			a = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException | NotDirectoryException ex) {
			return null;
		}
		int mode = (Integer) a.get("mode");
		return new Stat(typeOf(mode), mode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"),
				(Long) a.get("size"), (FileTime) a.get("lastModifiedTime"), (Long) a.get("rdev"));
	}

	private static Type typeOf(int mode) {
		return switch (mode & 0170000) {
			case 0140000 -> Type.SOCKET;
			case 0120000 -> Type.SYMLINK;
			case 0100000 -> Type.FILE;
			case 0060000 -> Type.BLOCK_DEVICE;
			case 0040000 -> Type.DIRECTORY;
			case 0020000 -> Type.CHAR_DEVICE;
			default -> Type.FIFO;
		};
	}

	boolean isDirectory() {
		return this.type == Type.DIRECTORY;
	}

	boolean isFile() {
		return this.type == Type.FILE;
	}

	boolean isSymlink() {
		return this.type == Type.SYMLINK;
	}

	/** The major number of {@link #rdev}, decoded as glibc's {@code major()} does. */
	int devMajor() {
		return (int) (((this.rdev >>> 8) & 0xfff) | ((this.rdev >>> 32) & ~0xfffL));
	}

	/** The minor number of {@link #rdev}, decoded as glibc's {@code minor()} does. */
	int devMinor() {
		return (int) ((this.rdev & 0xff) | ((this.rdev >>> 12) & ~0xffL));
	}

	/**
	 * Sets the full mode (the JDK's POSIX view cannot set the sticky bit). Follows a symlink, so callers pass only
	 * paths they have just created or checked are not symlinks.
	 */
	static void chmod(Path path, int mode) throws IOException {
		Files.setAttribute(path, "unix:mode", mode & 07777);
	}

}
