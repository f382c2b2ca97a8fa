package io.berth.image.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import io.berth.error.SystemException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Applies one layer tar to an empty directory by the rules of security.md §2: names stay inside the root, nothing is
 * written through a symlink, hardlinks point at entries already inside the root, whiteouts become overlay whiteouts
 * (a 0/0 character device, or {@code trusted.overlay.opaque=y}), and the archive cannot set overlay xattrs itself.
 * The first refused entry fails the whole layer; the caller removes the directory.
 */
final class LayerUnpacker {

	static final String WHITEOUT_PREFIX = ".wh.";

	static final String OPAQUE_MARKER = ".wh..wh..opq";

	static final String OPAQUE_XATTR = "trusted.overlay.opaque";

	private static final Log logger = LogFactory.getLog(LayerUnpacker.class);

	private static final int PATH_MAX = 4096;

	private static final int NAME_MAX = 255;

	private static final int MAX_ENTRIES = 1_000_000;

	/** A tar header is one 512-byte block; counting it bounds archives of many empty entries. */
	private static final long HEADER_COST = 512;

	/** Latest mtime applied (year 9999), so a hostile header cannot overflow the kernel's time. */
	private static final long MAX_SECONDS = 253402300799L;

	private final Path root;

	private final long maxSize;

	private long total;

	private long contentSize;

	private int entries;

	/** Directories whose times are set last, after every entry inside them is written. */
	private final List<Map.Entry<Path, TarArchiveEntry>> directoryTimes = new ArrayList<>();

	private boolean rootSeen;

	/**
	 * One buffer for every file: reads this large go down the whole chain (tar, gunzip, the tar blob's tee and hash,
	 * the socket), so a layer costs a few syscalls per 256 KiB instead of per 8 KiB, as transferTo's buffer would.
	 */
	private final byte[] buffer = new byte[256 * 1024];

	LayerUnpacker(Path root, long maxSize) {
		this.root = root;
		this.maxSize = maxSize;
	}

	/** Bytes of file content written, which is the layer's size as Docker reports it. */
	long contentSize() {
		return this.contentSize;
	}

	/** Reads the tar to its end-of-archive marker, writing every entry under the root. */
	void unpack(InputStream tarStream) throws IOException {
		TarArchiveInputStream tar = new TarArchiveInputStream(tarStream, StandardCharsets.UTF_8.name());
		TarArchiveEntry entry;
		String previous = null;
		while ((entry = next(tar, previous)) != null) {
			previous = entry.getName();
			if (++this.entries > MAX_ENTRIES) {
				throw InvalidLayerException.entry(entry.getName(), "more than " + MAX_ENTRIES + " entries");
			}
			// Compared before adding, so a declared size near 2^63 cannot wrap the total below the limit.
			long size = Math.max(0, entry.getRealSize());
			if (size > this.maxSize - this.total - HEADER_COST) {
				throw InvalidLayerException.entry(entry.getName(),
						"layer exceeds the maximum size of " + this.maxSize + " bytes");
			}
			this.total += HEADER_COST + size;
			apply(entry, tar);
		}
		if (!this.rootSeen) {
			NativeFs.chmod(this.root, 0755);
		}
		for (int i = this.directoryTimes.size() - 1; i >= 0; i--) {
			setTimes(this.directoryTimes.get(i).getKey(), this.directoryTimes.get(i).getValue());
		}
	}

	/** Reads the next header; a header the tar library cannot parse is named by the entry before it. */
	private static TarArchiveEntry next(TarArchiveInputStream tar, String previous) {
		try {
			return tar.getNextEntry();
		}
		catch (IOException | IllegalArgumentException ex) {
			String where = (previous != null) ? "after entry \"" + previous + "\"" : "at the start";
			throw new InvalidLayerException("invalid layer: unreadable tar header " + where + ": " + ex.getMessage());
		}
	}

	private void apply(TarArchiveEntry entry, InputStream data) throws IOException {
		String name = entry.getName();
		if (entry.isDirectory() && entry.getSize() != 0) {
			// The tar library reads no data for a directory, so the data's blocks would be parsed as headers that
			// other tar readers (Docker's among them) never see.
			throw InvalidLayerException.entry(name, "directory entry with " + entry.getSize() + " bytes of data");
		}
		checkXattrs(entry);
		List<String> parts = cleanName(name, name);
		checkLength(name, parts);
		if (parts.isEmpty()) {
			if (!entry.isDirectory()) {
				throw InvalidLayerException.entry(name, "only a directory may name the layer root");
			}
			this.rootSeen = true;
			applyMetadata(this.root, entry);
			this.directoryTimes.add(Map.entry(this.root, entry));
			return;
		}
		String base = parts.get(parts.size() - 1);
		if (base.startsWith(WHITEOUT_PREFIX)) {
			whiteout(entry, parts, base);
			return;
		}
		Path parent = resolveParent(name, parts);
		Path target = parent.resolve(base);
		byte type = entry.getLinkFlag();
		if (entry.isDirectory()) {
			BasicFileAttributes existing = lstat(target);
			if (existing == null || !existing.isDirectory()) {
				removeExisting(target);
				Files.createDirectory(target);
			}
			applyMetadata(target, entry);
			this.directoryTimes.add(Map.entry(target, entry));
			return;
		}
		if (entry.isSymbolicLink()) {
			String link = entry.getLinkName();
			if (link == null || link.isEmpty() || link.indexOf('\0') >= 0
					|| link.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
				throw InvalidLayerException.entry(name, "invalid symlink target");
			}
			removeExisting(target);
			NativeFs.symlink(link, target);
		}
		else if (entry.isLink()) {
			Path existing = hardlinkTarget(name, entry.getLinkName());
			if (existing.equals(target)) {
				throw InvalidLayerException.entry(name, "hardlink to itself");
			}
			if (existing.startsWith(target)) {
				// Replacing the entry would delete the very file it is to link to.
				throw InvalidLayerException.entry(name, "hardlink target " + entry.getLinkName()
						+ " is inside the entry it replaces");
			}
			removeExisting(target);
			Files.createLink(target, existing);
			// A hardlink shares its target's inode, so it has no metadata of its own to apply.
			return;
		}
		else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
			removeExisting(target);
			int kind = entry.isCharacterDevice() ? NativeFs.S_IFCHR
					: entry.isBlockDevice() ? NativeFs.S_IFBLK : NativeFs.S_IFIFO;
			long dev = entry.isFIFO() ? 0 : NativeFs.makedev(entry.getDevMajor(), entry.getDevMinor());
			int errno = NativeFs.mknod(target, kind | (entry.getMode() & 07777), dev);
			if (errno != 0) {
				if (NativeFs.isEperm(errno)) {
					// Without CAP_MKNOD (a user namespace) the anchors skip device nodes with a warning.
					logger.warn("skipping device node " + name + ": mknod not permitted");
					return;
				}
				if (NativeFs.isInvalidArgument(errno)) {
					// The kernel refuses the node the header describes: a hostile layer, not a host failure.
					throw InvalidLayerException.entry(name, "invalid device node (major " + entry.getDevMajor()
							+ ", minor " + entry.getDevMinor() + ", mode " + Integer.toOctalString(entry.getMode()) + ")");
				}
				throw new SystemException("cannot create " + name + ": " + NativeFs.lastErrorText());
			}
		}
		else if (isRegular(type)) {
			removeExisting(target);
			try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
					StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
				long copied = copy(data, out);
				this.contentSize += copied;
			}
		}
		else {
			logger.warn("skipping tar entry " + name + " of unsupported type '" + (char) type + "'");
			return;
		}
		applyMetadata(target, entry);
		setTimes(target, entry);
	}

	/** {@code dir/.wh.NAME} hides NAME of lower layers; {@code dir/.wh..wh..opq} hides all of dir's lower children. */
	private void whiteout(TarArchiveEntry entry, List<String> parts, String base) throws IOException {
		String name = entry.getName();
		Path dir = resolveParent(name, parts);
		if (base.equals(OPAQUE_MARKER)) {
			int errno = NativeFs.lsetxattr(dir, OPAQUE_XATTR, new byte[] { 'y' });
			if (errno != 0) {
				throw new SystemException("cannot mark " + name + " opaque: " + NativeFs.lastErrorText());
			}
			return;
		}
		if (base.startsWith(WHITEOUT_PREFIX + WHITEOUT_PREFIX)) {
			// Other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs) means nothing to overlay.
			return;
		}
		String hidden = base.substring(WHITEOUT_PREFIX.length());
		if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
			throw InvalidLayerException.entry(name, "invalid whiteout name");
		}
		Path target = dir.resolve(hidden);
		if (lstat(target) != null) {
			// The OCI spec lets a whiteout hide only lower layers; the entry of this layer stays.
			return;
		}
		int errno = NativeFs.mknod(target, NativeFs.S_IFCHR, NativeFs.makedev(0, 0));
		if (errno != 0) {
			throw new SystemException("cannot create whiteout for " + name + ": " + NativeFs.lastErrorText());
		}
	}

	/** Overlay's own attributes decide what lower layers show; an image must never set them. */
	private static void checkXattrs(TarArchiveEntry entry) {
		for (String key : entry.getExtraPaxHeaders().keySet()) {
			String attr = xattrName(key);
			if (attr != null && (attr.startsWith("trusted.overlay.") || attr.startsWith("user.overlay."))) {
				throw InvalidLayerException.entry(entry.getName(), "overlay xattr " + attr + " is not allowed");
			}
		}
	}

	private static String xattrName(String paxKey) {
		if (paxKey.startsWith("SCHILY.xattr.")) {
			return paxKey.substring("SCHILY.xattr.".length());
		}
		if (paxKey.startsWith("LIBARCHIVE.xattr.")) {
			return paxKey.substring("LIBARCHIVE.xattr.".length());
		}
		return null;
	}

	/**
	 * Splits a name into clean components: {@code .} and empty components vanish, and a {@code ..} that would climb
	 * above the root refuses the entry. Absolute names are root-relative, as Docker strips the leading {@code /}.
	 */
	static List<String> cleanName(String entryName, String name) {
		if (name.indexOf('\0') >= 0) {
			throw InvalidLayerException.entry(entryName, "NUL byte in name");
		}
		if (name.getBytes(StandardCharsets.UTF_8).length >= PATH_MAX) {
			throw InvalidLayerException.entry(entryName, "name longer than " + (PATH_MAX - 1) + " bytes");
		}
		Deque<String> stack = new ArrayDeque<>();
		for (String part : name.split("/")) {
			if (part.isEmpty() || part.equals(".")) {
				continue;
			}
			if (part.equals("..")) {
				if (stack.isEmpty()) {
					throw InvalidLayerException.entry(entryName, "path escapes the layer root");
				}
				stack.removeLast();
				continue;
			}
			if (part.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
				throw InvalidLayerException.entry(entryName, "component longer than " + NAME_MAX);
			}
			stack.addLast(part);
		}
		return new ArrayList<>(stack);
	}

	/** The kernel limits the whole path it is given, so a name that fits alone can still be too long under the root. */
	private void checkLength(String entryName, List<String> parts) {
		int length = this.root.toString().getBytes(StandardCharsets.UTF_8).length;
		for (String part : parts) {
			length += 1 + part.getBytes(StandardCharsets.UTF_8).length;
		}
		if (length >= PATH_MAX) {
			throw InvalidLayerException.entry(entryName, "name longer than " + (PATH_MAX - 1)
					+ " bytes under the layer root");
		}
	}

	/**
	 * Returns the directory that will hold the entry, creating missing parents with 0755. Every existing component
	 * must be a real directory: a symlink there would send the write wherever it points.
	 */
	private Path resolveParent(String entryName, List<String> parts) throws IOException {
		Path dir = this.root;
		for (int i = 0; i < parts.size() - 1; i++) {
			dir = dir.resolve(parts.get(i));
			BasicFileAttributes a = lstat(dir);
			if (a == null) {
				Files.createDirectory(dir);
				NativeFs.chmod(dir, 0755);
			}
			else if (a.isSymbolicLink()) {
				throw InvalidLayerException.entry(entryName,
						"parent " + String.join("/", parts.subList(0, i + 1)) + " is a symlink");
			}
			else if (!a.isDirectory()) {
				throw InvalidLayerException.entry(entryName,
						"parent " + String.join("/", parts.subList(0, i + 1)) + " is not a directory");
			}
		}
		return dir;
	}

	/** A hardlink's target must already exist inside the root, reached without symlinks, and not be a directory. */
	private Path hardlinkTarget(String entryName, String linkName) throws IOException {
		if (linkName == null || linkName.isEmpty()) {
			throw InvalidLayerException.entry(entryName, "empty hardlink target");
		}
		List<String> parts;
		try {
			parts = cleanName(entryName, linkName);
		}
		catch (InvalidLayerException ex) {
			throw InvalidLayerException.entry(entryName, "hardlink target " + linkName + " escapes the layer root");
		}
		if (parts.isEmpty()) {
			throw InvalidLayerException.entry(entryName, "hardlink to the layer root");
		}
		checkLength(entryName, parts);
		Path p = this.root;
		for (int i = 0; i < parts.size(); i++) {
			p = p.resolve(parts.get(i));
			BasicFileAttributes a = lstat(p);
			if (a == null) {
				throw InvalidLayerException.entry(entryName,
						"hardlink target " + linkName + " does not exist in this layer");
			}
			boolean last = (i == parts.size() - 1);
			if (!last && !a.isDirectory()) {
				throw InvalidLayerException.entry(entryName,
						"hardlink target " + linkName + " goes through a symlink or file");
			}
			if (last && a.isDirectory()) {
				throw InvalidLayerException.entry(entryName, "hardlink target " + linkName + " is a directory");
			}
		}
		return p;
	}

	/** Entries replace what an earlier entry of this layer wrote at the same path; the last one wins. */
	private void removeExisting(Path target) throws IOException {
		BasicFileAttributes a = lstat(target);
		if (a == null) {
			return;
		}
		if (a.isDirectory()) {
			deleteTree(target);
		}
		else {
			Files.delete(target);
		}
	}

	private static void applyMetadata(Path path, TarArchiveEntry entry) {
		int errno = NativeFs.lchown(path, entry.getLongUserId(), entry.getLongGroupId());
		if (errno != 0 && !NativeFs.isEperm(errno)) {
			throw new SystemException("cannot chown " + entry.getName() + ": " + NativeFs.lastErrorText());
		}
		if (!entry.isSymbolicLink()) {
			// After the chown, which clears setuid and setgid.
			NativeFs.chmod(path, entry.getMode());
		}
		for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
			String attr = xattrName(header.getKey());
			if (attr == null || !(attr.startsWith("user.") || attr.equals("security.capability"))) {
				continue;
			}
			String value = header.getValue();
			if (value.indexOf('\uFFFD') >= 0) {
				// The tar library decodes PAX values as UTF-8, so a binary value that was not valid UTF-8 is lost.
				logger.warn("skipping xattr " + attr + " of " + entry.getName() + ": value is not representable");
				continue;
			}
			int rc = NativeFs.lsetxattr(path, attr, value.getBytes(StandardCharsets.UTF_8));
			if (NativeFs.isInvalidXattr(rc)) {
				// A name or value the kernel cannot hold is the archive's fault, not the host's.
				throw InvalidLayerException.entry(entry.getName(), "invalid xattr " + attr + ": "
						+ NativeFs.lastErrorText());
			}
			if (rc != 0 && !NativeFs.isUnsupported(rc)) {
				throw new SystemException("cannot set xattr " + attr + " on " + entry.getName() + ": "
						+ NativeFs.lastErrorText());
			}
		}
	}

	private static void setTimes(Path path, TarArchiveEntry entry) {
		FileTime mtime = entry.getLastModifiedTime();
		long millis = (mtime != null) ? mtime.toMillis() : 0;
		long seconds = Math.min(Math.max(0, Math.floorDiv(millis, 1000)), MAX_SECONDS);
		long nanos = (mtime != null && millis >= 0 && seconds < MAX_SECONDS)
				? mtime.toInstant().getNano() : 0;
		NativeFs.lutimes(path, seconds, nanos, seconds, nanos);
	}

	private static boolean isRegular(byte type) {
		return type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM
				|| type == TarConstants.LF_CONTIG;
	}

	static BasicFileAttributes lstat(Path p) throws IOException {
		try {
			return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
	}

	/** Removes a tree without following any symlink in it. */
	static void deleteTree(Path dir) throws IOException {
		if (lstat(dir) == null) {
			return;
		}
		Files.walkFileTree(dir, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Files.delete(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
				if (exc != null) {
					throw exc;
				}
				Files.delete(d);
				return FileVisitResult.CONTINUE;
			}

		});
	}

	private long copy(InputStream in, OutputStream out) throws IOException {
		long total = 0;
		int n;
		while ((n = in.read(this.buffer, 0, this.buffer.length)) > 0) {
			out.write(this.buffer, 0, n);
			total += n;
		}
		return total;
	}

}
