package io.berth.image.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.berth.content.Digest;

/**
 * What the hostile-layer tests compare before and after a layer: file trees and single files, described without
 * following symlinks, in enough detail that a write, chmod, chown, utimes, xattr or link through a symlink shows.
 */
public final class FileStates {

	private FileStates() {
	}

	/** Path and file type of everything under a directory; empty when there is no directory. */
	public static Map<String, String> types(Path dir) throws IOException {
		Map<String, String> out = new TreeMap<>();
		if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
			return out;
		}
		try (Stream<Path> s = Files.walk(dir)) {
			for (Path p : s.toList()) {
				out.put(dir.relativize(p).toString(), type(p));
			}
		}
		return out;
	}

	/** {@link #describe} of everything under a directory. */
	public static Map<String, String> snapshot(Path dir) throws IOException {
		Map<String, String> out = new TreeMap<>();
		try (Stream<Path> s = Files.walk(dir)) {
			for (Path p : s.toList()) {
				out.put(dir.relativize(p).toString(), describe(p));
			}
		}
		return out;
	}

	/** Type, mode, owner, size, links, inode, times, content or link target, and the xattrs layers may set. */
	public static String describe(Path p) throws IOException {
		Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,nlink,ino,lastModifiedTime,ctime",
				LinkOption.NOFOLLOW_LINKS);
		StringBuilder d = new StringBuilder(type(p)).append(' ').append(new TreeMap<>(a));
		if (Files.isSymbolicLink(p)) {
			d.append(" -> ").append(Files.readSymbolicLink(p));
		}
		else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
			d.append(" sha256=").append(Digest.of(Files.readAllBytes(p)).hex());
		}
		for (String xattr : List.of(LayerUnpacker.OPAQUE_XATTR, "trusted.overlay.redirect", "user.berth")) {
			NativeFs.lgetxattr(p, xattr).ifPresent((v) -> d.append(' ').append(xattr).append('=')
				.append(HexFormat.of().formatHex(v)));
		}
		return d.toString();
	}

	private static String type(Path p) throws IOException {
		int mode = (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
		return Integer.toOctalString(mode & 0170000);
	}

}
