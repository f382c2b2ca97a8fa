package io.berth.container.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a tar of one node of a {@link RootView} and, for a directory, everything below it, without following
 * symlinks (they are archived as links). Entries are named as dockerd names them: the top one after the name the
 * client asked for (so {@code /etc/.} gives {@code ./...}), children below it in name order. Hard links inside the
 * archive become link entries; sockets are left out, as Go's tar writer cannot store them.
 */
public final class TarStreamer {

	private static final int BUFFER = 64 * 1024;

	private final RootView view;

	private final TarArchiveOutputStream tar;

	/** The first name archived for each (device, inode) of a file with several links. */
	private final Map<List<Long>, String> hardlinks = new HashMap<>();

	private TarStreamer(RootView view, OutputStream out) {
		this.view = view;
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
		TarStreamer s = new TarStreamer(view, out);
		s.add(top, topName);
		s.tar.finish();
		s.tar.flush();
	}

	private void add(RootView.Node node, String name) throws IOException {
		RootView.Stat st = node.stat();
		TarArchiveEntry entry;
		boolean withContent = false;
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
		this.tar.putArchiveEntry(entry);
		if (withContent) {
			copyExactly(node, st.size());
		}
		this.tar.closeArchiveEntry();
		if (st.isDirectory()) {
			for (String child : this.view.children(node)) {
				List<String> path = new ArrayList<>(node.path());
				path.add(child);
				RootView.Node c = this.view.lookup(path).orElse(null);
				if (c != null) {
					add(c, stripSlash(name) + "/" + child);
				}
			}
		}
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
