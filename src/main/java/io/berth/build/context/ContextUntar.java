package io.berth.build.context;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.berth.error.EngineException;
import io.berth.error.InvalidParameterException;
import io.berth.error.SystemException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Unpacks a build context tar into an empty directory, trusting nothing in it:
 * <ul>
 * <li>names are made relative (as dockerd does) and any {@code ..} component is refused;</li>
 * <li>every parent of an entry must be a real directory inside the root, so nothing is written through a symlink,
 * and a file is created with {@code O_EXCL|O_NOFOLLOW} after whatever was at its name is removed;</li>
 * <li>a hard link may only point at a regular file extracted earlier from the same tar;</li>
 * <li>devices and FIFOs are skipped, setuid and setgid bits dropped, owners ignored;</li>
 * <li>the uncompressed tar may not exceed the size limit, nor the entries the count limit.</li>
 * </ul>
 */
final class ContextUntar {

	private static final Log logger = LogFactory.getLog(ContextUntar.class);

	/** Linux's {@code NAME_MAX}: longer components fail anyway, with a less useful message. */
	private static final int NAME_MAX = 255;

	/** Linux's {@code PATH_MAX}, for a name relative to the context root. */
	private static final int PATH_MAX = 4096;

	private final Path root;

	private final long maxBytes;

	private final int maxEntries;

	private final Bounded in;

	/** Regular files extracted so far, the only things a hard link may point at. */
	private final Set<String> files = new HashSet<>();

	/** Directories whose mode and mtime are set last, so entries can be written into them first. */
	private final Map<Path, TarArchiveEntry> directories = new LinkedHashMap<>();

	private ContextUntar(InputStream uncompressed, Path root, long maxBytes, int maxEntries) {
		this.root = root;
		this.maxBytes = maxBytes;
		this.maxEntries = maxEntries;
		this.in = new Bounded(uncompressed, maxBytes);
	}

	/** Unpacks the (possibly compressed) tar into {@code root}, an existing empty directory. */
	static void extract(InputStream body, Path root, long maxBytes, int maxEntries) {
		InputStream uncompressed;
		try {
			uncompressed = Decompression.open(body, "the build context");
		}
		catch (IOException ex) {
			throw new InvalidParameterException("cannot read the build context: " + ex.getMessage(), ex);
		}
		new ContextUntar(uncompressed, root, maxBytes, maxEntries).run();
	}

	private void run() {
		TarArchiveInputStream tar = new TarArchiveInputStream(this.in, StandardCharsets.UTF_8.name());
		int count = 0;
		while (true) {
			TarArchiveEntry entry;
			try {
				entry = tar.getNextEntry();
			}
			catch (IOException | RuntimeException ex) {
				throw inputError(ex);
			}
			if (entry == null) {
				break;
			}
			if (++count > this.maxEntries) {
				throw new InvalidParameterException("the build context has more than " + this.maxEntries + " entries");
			}
			try {
				apply(entry, tar);
			}
			catch (IOException ex) {
				throw new SystemException("cannot extract the build context entry \"" + entry.getName() + "\": "
						+ ex.getMessage(), ex);
			}
		}
		List<Map.Entry<Path, TarArchiveEntry>> dirs = new ArrayList<>(this.directories.entrySet());
		for (int i = dirs.size() - 1; i >= 0; i--) {
			Path dir = dirs.get(i).getKey();
			try {
				Stat s = Stat.lstat(dir);
				if (s != null && s.isDirectory()) {
					// Times first: the JDK opens the path to set them, which a mode like 0000 would forbid.
					setTime(dir, dirs.get(i).getValue());
					Stat.chmod(dir, safeMode(dirs.get(i).getValue()));
				}
			}
			catch (IOException ex) {
				throw new SystemException("cannot set the mode of " + this.root.relativize(dir) + " in the build "
						+ "context: " + ex.getMessage(), ex);
			}
		}
	}

	private void apply(TarArchiveEntry entry, TarArchiveInputStream tar) throws IOException {
		String name = entry.getName();
		List<String> parts = relative(name, name);
		byte flag = entry.getLinkFlag();
		if (flag == TarConstants.LF_CHR || flag == TarConstants.LF_BLK || flag == TarConstants.LF_FIFO) {
			logger.debug("skipping device or FIFO " + name + " in a build context");
			return;
		}
		boolean regular = flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM
				|| flag == TarConstants.LF_CONTIG || flag == TarConstants.LF_GNUTYPE_SPARSE;
		boolean directory = flag == TarConstants.LF_DIR || (regular && name.endsWith("/"));
		if (!directory && !regular && flag != TarConstants.LF_SYMLINK && flag != TarConstants.LF_LINK) {
			throw refused(name, "unhandled tar header type " + (char) flag);
		}
		if (parts.isEmpty()) {
			if (!directory) {
				throw refused(name, "not a directory, but names the context root");
			}
			// The root's own entry: dockerd skips it, the directory already exists.
			return;
		}
		Path target = parentOf(name, parts).resolve(parts.get(parts.size() - 1));
		String key = String.join("/", parts);
		Stat existing = Stat.lstat(target);
		if (existing != null) {
			if (existing.isDirectory() && directory) {
				this.directories.put(target, entry);
				return;
			}
			Trees.delete(target);
		}
		this.files.remove(key);
		if (directory) {
			Files.createDirectory(target);
			this.directories.put(target, entry);
		}
		else if (flag == TarConstants.LF_SYMLINK) {
			symlink(entry, target);
		}
		else if (flag == TarConstants.LF_LINK) {
			hardlink(entry, key, target);
		}
		else {
			file(entry, tar, target);
			this.files.add(key);
		}
	}

	private void symlink(TarArchiveEntry entry, Path target) throws IOException {
		String link = entry.getLinkName();
		if (link == null || link.isEmpty() || link.indexOf('\0') >= 0) {
			throw refused(entry.getName(), "symlink without a usable target");
		}
		// The target is stored as written, absolute or climbing: it is only ever resolved inside the root.
		Files.createSymbolicLink(target, target.getFileSystem().getPath(link));
		setTime(target, entry);
	}

	private void hardlink(TarArchiveEntry entry, String key, Path target) throws IOException {
		String name = entry.getName();
		String link = entry.getLinkName();
		List<String> linkParts = relative(name, (link == null) ? "" : link);
		String linkKey = String.join("/", linkParts);
		if (linkParts.isEmpty() || linkKey.equals(key) || !this.files.contains(linkKey)) {
			throw refused(name, "hard link to " + link + ", which is not a file extracted before it");
		}
		Path existing = this.root;
		for (int i = 0; i < linkParts.size(); i++) {
			existing = existing.resolve(linkParts.get(i));
			Stat s = Stat.lstat(existing);
			boolean last = i == linkParts.size() - 1;
			if (s == null || (last ? !s.isFile() : !s.isDirectory())) {
				throw refused(name, "hard link to " + link + ", which is not a file extracted before it");
			}
		}
		Files.createLink(target, existing);
		this.files.add(key);
	}

	private void file(TarArchiveEntry entry, TarArchiveInputStream tar, Path target) throws IOException {
		if (entry.getSize() > this.maxBytes - this.in.count) {
			throw tooLarge();
		}
		byte[] buf = new byte[64 * 1024];
		try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
				LinkOption.NOFOLLOW_LINKS)) {
			while (true) {
				int n;
				try {
					n = tar.read(buf);
				}
				catch (IOException | RuntimeException ex) {
					throw inputError(ex);
				}
				if (n < 0) {
					break;
				}
				out.write(buf, 0, n);
			}
		}
		setTime(target, entry);
		Stat.chmod(target, safeMode(entry));
	}

	/**
	 * The directory that will hold the entry, creating missing parents with mode 0755. Each existing component
	 * must be a real directory: a symlink there would send the write wherever it points.
	 */
	private Path parentOf(String name, List<String> parts) throws IOException {
		Path dir = this.root;
		for (int i = 0; i < parts.size() - 1; i++) {
			dir = dir.resolve(parts.get(i));
			Stat s = Stat.lstat(dir);
			if (s == null) {
				Files.createDirectory(dir);
				Stat.chmod(dir, 0755);
			}
			else if (!s.isDirectory()) {
				String parent = String.join("/", parts.subList(0, i + 1));
				throw refused(name, "its parent " + parent + (s.isSymlink() ? " is a symlink" : " is not a directory"));
			}
		}
		return dir;
	}

	/** An entry's (or link's) name as components below the root; absolute names are made relative, as dockerd does. */
	private static List<String> relative(String entry, String name) {
		if (name.indexOf('\0') >= 0) {
			throw refused(entry, "NUL byte in a name");
		}
		if (name.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
			throw refused(entry, "name longer than " + (PATH_MAX - 1) + " bytes");
		}
		List<String> parts = GoPaths.split(name);
		for (String part : parts) {
			if (part.equals("..")) {
				throw refused(entry, "path escapes the build context");
			}
			if (part.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
				throw refused(entry, "a name component is longer than " + NAME_MAX + " bytes");
			}
		}
		return parts;
	}

	/** The entry's mode without setuid and setgid: a build context has no business granting privileges. */
	private static int safeMode(TarArchiveEntry entry) {
		return entry.getMode() & 07777 & ~06000;
	}

	private static void setTime(Path path, TarArchiveEntry entry) throws IOException {
		FileTime mtime = entry.getLastModifiedTime();
		if (mtime != null) {
			Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
				.setTimes(mtime, null, null);
		}
	}

	private EngineException inputError(Exception ex) {
		if (this.in.exceeded) {
			return tooLarge();
		}
		if (ex instanceof EngineException engine) {
			return engine;
		}
		return new InvalidParameterException("the build context is not a valid tar archive: " + ex.getMessage(), ex);
	}

	private InvalidParameterException tooLarge() {
		return new InvalidParameterException("the build context is larger than " + this.maxBytes + " bytes");
	}

	private static InvalidParameterException refused(String entry, String why) {
		return new InvalidParameterException("invalid build context entry \"" + entry + "\": " + why);
	}

	/** Counts the uncompressed tar, headers included, and stops reading past the limit. */
	private static final class Bounded extends FilterInputStream {

		private final long limit;

		private long count;

		private boolean exceeded;

		Bounded(InputStream in, long limit) {
			super(in);
			this.limit = limit;
		}

		@Override
		public int read() throws IOException {
			int b = super.read();
			if (b >= 0) {
				counted(1);
			}
			return b;
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			int n = super.read(b, off, len);
			if (n > 0) {
				counted(n);
			}
			return n;
		}

		@Override
		public long skip(long n) throws IOException {
			long skipped = super.skip(n);
			if (skipped > 0) {
				counted(skipped);
			}
			return skipped;
		}

		private void counted(long n) throws IOException {
			this.count += n;
			if (this.count > this.limit) {
				this.exceeded = true;
				throw new IOException("the build context is larger than " + this.limit + " bytes");
			}
		}

		@Override
		public boolean markSupported() {
			return false;
		}

	}

}
