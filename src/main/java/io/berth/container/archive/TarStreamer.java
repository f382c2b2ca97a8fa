package io.berth.container.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a tar of one node of a {@link RootView} and, for a directory, everything below it, without following
 * symlinks (they are archived as links). Entries are named as dockerd names them: the top one after the name the
 * client asked for (so {@code /etc/.} gives {@code ./...}), children below it in name order. Hard links inside the
 * archive become link entries; sockets are left out, as Go's tar writer cannot store them.
 * <p>
 * {@link #writeLayer} writes an overlay upper directory as an image layer instead, as dockerd's overlay2 driver does
 * for {@code docker commit}: names relative to the root without the root itself, overlay whiteouts (0/0 character
 * devices) as {@code .wh.NAME} files, opaque directories followed by a {@code .wh..wh..opq} file, and the xattrs a
 * layer may carry.
 */
public final class TarStreamer {

	private static final int BUFFER = 64 * 1024;

	private static final String WHITEOUT_PREFIX = ".wh.";

	private static final String OPAQUE_MARKER = ".wh..wh..opq";

	private final RootView view;

	private final boolean layer;

	private final Predicate<List<String>> skip;

	private final TarArchiveOutputStream tar;

	/** The first name archived for each (device, inode) of a file with several links. */
	private final Map<List<Long>, String> hardlinks = new HashMap<>();

	private TarStreamer(RootView view, OutputStream out, boolean layer, Predicate<List<String>> skip) {
		this.view = view;
		this.layer = layer;
		this.skip = skip;
		this.tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name());
		this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
		this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
		this.tar.setAddPaxHeadersForNonAsciiNames(true);
	}

	/**
	 * Writes the archive and finishes it (the stream itself stays open).
	 * @param topName the top entry's name; {@code ""} for the container's root, whose entries then start with
	 * {@code /} as dockerd's do
	 */
	public static void write(RootView view, RootView.Node top, String topName, OutputStream out) throws IOException {
		TarStreamer s = new TarStreamer(view, out, false, (path) -> false);
		s.add(top, topName);
		s.tar.finish();
		s.tar.flush();
	}

	/**
	 * Writes an overlay upper directory as a layer tar and finishes it; a missing directory gives an empty layer.
	 * @param skip paths (components from the root) left out with everything below them
	 */
	public static void writeLayer(Path upper, OutputStream out, Predicate<List<String>> skip) throws IOException {
		TarStreamer s = new TarStreamer(RootView.mounted(upper, List.of()), out, true, skip);
		RootView.Stat st = RootView.lstat(upper);
		if (st != null && st.isDirectory()) {
			RootView.Node root = s.view.lookup(List.of()).orElseThrow();
			s.addChildren(root, "");
		}
		s.tar.finish();
		s.tar.flush();
	}

	private void add(RootView.Node node, String name) throws IOException {
		RootView.Stat st = node.stat();
		TarArchiveEntry entry;
		boolean withContent = false;
		if (this.layer && st.isWhiteout()) {
			entry = new TarArchiveEntry(whiteoutName(name), TarConstants.LF_NORMAL, true);
			entry.setUserId(st.uid());
			entry.setGroupId(st.gid());
			entry.setModTime(st.mtime());
			// dockerd gives every whiteout this mode.
			entry.setMode(0600);
			this.tar.putArchiveEntry(entry);
			this.tar.closeArchiveEntry();
			return;
		}
		if (st.isDirectory()) {
			entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true);
		}
		else if (st.isSymlink()) {
			entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
			entry.setLinkName(this.view.readlink(node));
		}
		else if (st.isRegular()) {
			String first = (st.nlink() > 1) ? this.hardlinks.putIfAbsent(List.of(st.dev(), st.ino()), name) : null;
			if (first != null) {
				entry = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
				entry.setLinkName(first);
			}
			else {
				entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
				entry.setSize(st.size());
				withContent = true;
			}
		}
		else if (st.type() == NativeCalls.S_IFCHR || st.type() == NativeCalls.S_IFBLK) {
			entry = new TarArchiveEntry(name,
					(st.type() == NativeCalls.S_IFCHR) ? TarConstants.LF_CHR : TarConstants.LF_BLK, true);
			entry.setDevMajor((int) NativeCalls.major(st.rdev()));
			entry.setDevMinor((int) NativeCalls.minor(st.rdev()));
		}
		else if (st.type() == NativeCalls.S_IFIFO) {
			entry = new TarArchiveEntry(name, TarConstants.LF_FIFO, true);
		}
		else {
			return;
		}
		entry.setMode(st.mode() & 07777);
		entry.setUserId(st.uid());
		entry.setGroupId(st.gid());
		entry.setModTime(st.mtime());
		boolean opaque = false;
		if (this.layer) {
			opaque = st.isDirectory() && RootView.isOpaque(node.host());
			addXattrs(entry, node.host());
		}
		this.tar.putArchiveEntry(entry);
		if (withContent) {
			copyExactly(node, st.size());
		}
		this.tar.closeArchiveEntry();
		if (opaque) {
			TarArchiveEntry marker = new TarArchiveEntry(stripSlash(name) + "/" + OPAQUE_MARKER,
					TarConstants.LF_NORMAL, true);
			marker.setMode(st.mode() & 0777);
			marker.setUserId(st.uid());
			marker.setGroupId(st.gid());
			marker.setModTime(st.mtime());
			this.tar.putArchiveEntry(marker);
			this.tar.closeArchiveEntry();
		}
		if (st.isDirectory()) {
			addChildren(node, stripSlash(name) + "/");
		}
	}

	private void addChildren(RootView.Node dir, String prefix) throws IOException {
		for (String child : this.view.children(dir)) {
			List<String> path = new ArrayList<>(dir.path());
			path.add(child);
			if (this.skip.test(path)) {
				continue;
			}
			RootView.Node c = this.view.lookup(path).orElse(null);
			if (c != null) {
				add(c, prefix + child);
			}
		}
	}

	/**
	 * The xattrs a layer keeps, as PAX records: {@code user.*} and file capabilities, which the unpacker restores.
	 * Overlay's own ({@code trusted.overlay.*}) describe the upper directory, not the files, and a value the tar
	 * library cannot carry as UTF-8 is left out rather than corrupted.
	 */
	private static void addXattrs(TarArchiveEntry entry, Path host) {
		for (String name : NativeCalls.llistxattr(host)) {
			if (!name.startsWith("user.") && !name.equals("security.capability")) {
				continue;
			}
			NativeCalls.lgetxattr(host, name).flatMap(TarStreamer::utf8).ifPresent((value) ->
					entry.addPaxHeader("SCHILY.xattr." + name, value));
		}
	}

	private static Optional<String> utf8(byte[] value) {
		try {
			return Optional.of(StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(ByteBuffer.wrap(value))
				.toString());
		}
		catch (CharacterCodingException ex) {
			return Optional.empty();
		}
	}

	private static String whiteoutName(String name) {
		int slash = name.lastIndexOf('/');
		return name.substring(0, slash + 1) + WHITEOUT_PREFIX + name.substring(slash + 1);
	}

	/**
	 * Copies exactly the size the header announced: a running container may grow or shrink the file meanwhile, and
	 * a tar whose entry is longer or shorter than its header is corrupt from there on.
	 */
	private void copyExactly(RootView.Node node, long size) throws IOException {
		long left = size;
		byte[] buf = new byte[BUFFER];
		try (InputStream in = this.view.open(node)) {
			while (left > 0) {
				int n = in.read(buf, 0, (int) Math.min(buf.length, left));
				if (n < 0) {
					break;
				}
				this.tar.write(buf, 0, n);
				left -= n;
			}
		}
		Arrays.fill(buf, (byte) 0);
		while (left > 0) {
			int n = (int) Math.min(buf.length, left);
			this.tar.write(buf, 0, n);
			left -= n;
		}
	}

	private static String stripSlash(String name) {
		return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
	}

}
