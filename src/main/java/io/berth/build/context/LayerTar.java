package io.berth.build.context;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.berth.error.InvalidParameterException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * The tar of one COPY or ADD layer as it is written: POSIX names and numbers of any length, no owner names, and a
 * memory of what it holds, so that parents are listed once and before their children, nothing is placed below a
 * symlink or file of the same layer (the layer could not be applied), and no name is taken for a whiteout.
 */
final class LayerTar {

	/** What the layer holds at a path. */
	enum Kind {

		DIRECTORY, SYMLINK, OTHER

	}

	private final TarArchiveOutputStream tar;

	private final DestinationTree below;

	private final Map<String, Kind> written = new HashMap<>();

	private final byte[] buffer = new byte[256 * 1024];

	/** The mtime of directories the layer creates. */
	private final FileTime now = FileTime.from(Instant.now().truncatedTo(ChronoUnit.SECONDS));

	LayerTar(OutputStream out, DestinationTree below) {
		this.tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
		this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
		this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
		this.tar.setAddPaxHeadersForNonAsciiNames(true);
		this.below = below;
	}

	DestinationTree below() {
		return this.below;
	}

	FileTime now() {
		return this.now;
	}

	/**
	 * Makes sure {@code base/relative} is a directory once the layer is applied, and returns where it really is.
	 * Each component is, in order of precedence: a directory this layer already holds; a directory of the image,
	 * symlinks followed as a container would (the real directory and its parents are listed with their own
	 * metadata, so applying the layer does not change them); or a new directory, mode 0755, owned by
	 * {@code created}.
	 * @param base a directory already made sure of
	 * @throws InvalidParameterException when a non-directory is in the way
	 */
	List<String> directory(List<String> base, List<String> relative, Owner created) throws IOException {
		List<String> at = new ArrayList<>(base);
		boolean fresh = false;
		for (String part : relative) {
			List<String> candidate = new ArrayList<>(at);
			candidate.add(part);
			String key = String.join("/", candidate);
			Kind kind = this.written.get(key);
			if (kind == Kind.DIRECTORY) {
				at = candidate;
				continue;
			}
			if (kind != null) {
				throw new InvalidParameterException("mkdir /" + key + ": not a directory");
			}
			if (!fresh) {
				DestinationTree.Entry existing = this.below.lookup("/" + key);
				if (existing != null) {
					if (!existing.directory()) {
						throw new InvalidParameterException("mkdir /" + key + ": not a directory");
					}
					at = existing(existing.path());
					continue;
				}
				fresh = true;
			}
			putDirectory(candidate, 0755, created, this.now);
			at = candidate;
		}
		return at;
	}

	/** Whether the path is a directory once the layer is applied, as far as the layer and the image tell. */
	boolean isDirectory(List<String> path) {
		Kind kind = this.written.get(String.join("/", path));
		if (kind != null) {
			return kind == Kind.DIRECTORY;
		}
		DestinationTree.Entry existing = this.below.lookup("/" + String.join("/", path));
		return existing != null && existing.directory();
	}

	/** Lists an image's real directory and its parents with their metadata; returns its components. */
	private List<String> existing(String absolutePath) throws IOException {
		List<String> parts = GoPaths.split(absolutePath);
		for (int i = 1; i <= parts.size(); i++) {
			List<String> prefix = parts.subList(0, i);
			String key = String.join("/", prefix);
			Kind kind = this.written.get(key);
			if (kind == Kind.DIRECTORY) {
				continue;
			}
			if (kind != null) {
				throw new InvalidParameterException("mkdir /" + key + ": not a directory");
			}
			DestinationTree.Entry e = this.below.lookup("/" + key);
			if (e != null && e.directory()) {
				putDirectory(prefix, e.mode(), new Owner(e.uid(), e.gid()), e.modified());
			}
			else {
				putDirectory(prefix, 0755, Owner.ROOT, this.now);
			}
		}
		return new ArrayList<>(parts);
	}

	void putDirectory(List<String> path, int mode, Owner owner, FileTime modified) throws IOException {
		if (path.isEmpty()) {
			// The root is never an entry of a layer.
			return;
		}
		TarArchiveEntry e = entry(path, TarConstants.LF_DIR, 0040000 | (mode & 07777), owner, modified);
		this.tar.putArchiveEntry(e);
		this.tar.closeArchiveEntry();
		this.written.put(String.join("/", path), Kind.DIRECTORY);
	}

	/** Writes exactly {@code size} bytes of {@code content}; fewer or more is an error, not a corrupt layer. */
	void putFile(List<String> path, int mode, Owner owner, FileTime modified, long size, InputStream content)
			throws IOException {
		TarArchiveEntry e = entry(path, TarConstants.LF_NORMAL, 0100000 | (mode & 07777), owner, modified);
		e.setSize(size);
		this.tar.putArchiveEntry(e);
		long left = size;
		while (left > 0) {
			int n = content.read(this.buffer, 0, (int) Math.min(this.buffer.length, left));
			if (n < 0) {
				throw new IOException("/" + String.join("/", path) + ": the source ended " + left
						+ " bytes early; it changed while it was copied");
			}
			this.tar.write(this.buffer, 0, n);
			left -= n;
		}
		this.tar.closeArchiveEntry();
		this.written.put(String.join("/", path), Kind.OTHER);
	}

	void putSymlink(List<String> path, String target, Owner owner, FileTime modified) throws IOException {
		if (target.isEmpty() || target.indexOf('\0') >= 0) {
			throw new InvalidParameterException("/" + String.join("/", path) + ": symlink without a usable target");
		}
		TarArchiveEntry e = entry(path, TarConstants.LF_SYMLINK, 0120777, owner, modified);
		e.setLinkName(target);
		this.tar.putArchiveEntry(e);
		this.tar.closeArchiveEntry();
		this.written.put(String.join("/", path), Kind.SYMLINK);
	}

	/** A hard link to a regular file this layer already holds. */
	void putHardlink(List<String> path, List<String> target, Owner owner, FileTime modified) throws IOException {
		if (this.written.get(String.join("/", target)) != Kind.OTHER) {
			throw new InvalidParameterException("/" + String.join("/", path) + ": hard link to /"
					+ String.join("/", target) + ", which is not a file of this layer");
		}
		TarArchiveEntry e = entry(path, TarConstants.LF_LINK, 0100000, owner, modified);
		e.setLinkName(String.join("/", target));
		this.tar.putArchiveEntry(e);
		this.tar.closeArchiveEntry();
		this.written.put(String.join("/", path), Kind.OTHER);
	}

	/** A character or block device or a FIFO, as images may hold them. */
	void putDevice(List<String> path, byte flag, int mode, Owner owner, FileTime modified, int major, int minor)
			throws IOException {
		int type = switch (flag) {
			case TarConstants.LF_CHR -> 0020000;
			case TarConstants.LF_BLK -> 0060000;
			case TarConstants.LF_FIFO -> 0010000;
			default -> throw new IllegalArgumentException("not a device type: " + (char) flag);
		};
		TarArchiveEntry e = entry(path, flag, type | (mode & 07777), owner, modified);
		if (flag != TarConstants.LF_FIFO) {
			e.setDevMajor(major);
			e.setDevMinor(minor);
		}
		this.tar.putArchiveEntry(e);
		this.tar.closeArchiveEntry();
		this.written.put(String.join("/", path), Kind.OTHER);
	}

	/** Ends the tar; the stream stays open for its owner. */
	void finish() throws IOException {
		this.tar.finish();
		this.tar.flush();
	}

	private TarArchiveEntry entry(List<String> path, byte flag, int mode, Owner owner, FileTime modified) {
		check(path);
		String name = String.join("/", path) + (flag == TarConstants.LF_DIR ? "/" : "");
		TarArchiveEntry e = new TarArchiveEntry(name, flag, true);
		e.setMode(mode);
		e.setUserId(owner.uid());
		e.setGroupId(owner.gid());
		e.setUserName("");
		e.setGroupName("");
		// Whole seconds, as dockerd writes them: a fraction would cost a PAX header per entry.
		e.setLastModifiedTime(FileTime.from(modified.toInstant().truncatedTo(ChronoUnit.SECONDS)));
		return e;
	}

	/** A path the layer may hold: not a whiteout, and not below something of this layer that is no directory. */
	private void check(List<String> path) {
		if (path.isEmpty()) {
			throw new IllegalArgumentException("the root is not an entry of a layer");
		}
		String shown = "/" + String.join("/", path);
		for (int i = 0; i < path.size(); i++) {
			String part = path.get(i);
			if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('/') >= 0
					|| part.indexOf('\0') >= 0) {
				throw new InvalidParameterException("invalid path in a layer: " + shown);
			}
			if (part.startsWith(".wh.")) {
				throw new InvalidParameterException("cannot copy to " + shown + ": names starting with .wh. are "
						+ "reserved for whiteouts");
			}
			if (i < path.size() - 1) {
				Kind kind = this.written.get(String.join("/", path.subList(0, i + 1)));
				if (kind != null && kind != Kind.DIRECTORY) {
					throw new InvalidParameterException("cannot copy to " + shown + ": /"
							+ String.join("/", path.subList(0, i + 1)) + " is not a directory");
				}
			}
		}
	}

}
