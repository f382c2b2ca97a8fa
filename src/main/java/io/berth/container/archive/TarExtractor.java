package io.berth.container.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Extracts a tar into a directory of a {@link RootView}, with dockerd's {@code Unpack} rules and a stricter guard:
 * <ul>
 * <li>an entry named absolutely or climbing out of the target with {@code ..} is refused, as is a symlink whose
 * target climbs out of it or a hard link to something outside it;</li>
 * <li>an entry's parent directories are resolved inside the container's root ({@link ScopedPath}), so a symlink the
 * container or an earlier entry placed there leads somewhere in the container, never to the host;</li>
 * <li>an existing entry is replaced, except that directories merge, and with {@code noOverwriteDirNonDir} a
 * directory and a non-directory never replace each other;</li>
 * <li>overlay and security xattrs other than file capabilities are not applied, so an archive cannot forge an
 * opaque directory.</li>
 * </ul>
 * This overlaps {@code io.berth.image.layer.LayerUnpacker}, which unpacks image layers into an empty directory and
 * turns whiteout entries into overlay whiteouts; here a {@code .wh.} name is just a name, the target is a live
 * tree, and its parents may be symlinks to follow in scope.
 *
 * @see <a href="https://github.com/moby/moby/blob/v20.10.24/pkg/archive/archive.go">moby pkg/archive Unpack</a>
 */
public final class TarExtractor {

	private static final Log logger = LogFactory.getLog(TarExtractor.class);

	/**
	 * @param chownUid when set, every entry gets this owner instead of the archive's ({@code docker cp -a})
	 */
	public record Options(boolean noOverwriteDirNonDir, @Nullable Long chownUid, @Nullable Long chownGid) {
	}

	private final RootView view;

	private final List<String> dest;

	private final Options options;

	private final List<Map.Entry<Path, TarArchiveEntry>> directoryTimes = new ArrayList<>();

	private TarExtractor(RootView view, List<String> dest, Options options) {
		this.view = view;
		this.dest = List.copyOf(dest);
		this.options = options;
	}

	/**
	 * Extracts every entry under {@code dest}, an existing directory already resolved with {@link ScopedPath}.
	 * @throws ArchiveException for an entry that breaks the rules; entries before it stay extracted, as with dockerd
	 */
	public static void extract(RootView view, List<String> dest, InputStream in, Options options) throws IOException {
		new TarExtractor(view, dest, options).run(in);
	}

	private void run(InputStream in) throws IOException {
		TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
		TarArchiveEntry entry;
		while ((entry = tar.getNextEntry()) != null) {
			apply(entry, tar);
		}
		for (int i = this.directoryTimes.size() - 1; i >= 0; i--) {
			Map.Entry<Path, TarArchiveEntry> d = this.directoryTimes.get(i);
			setTimes(d.getKey(), d.getValue());
		}
	}

	private void apply(TarArchiveEntry entry, InputStream data) throws IOException {
		String name = entry.getName();
		List<String> relative = relativeName(name);
		if (relative.isEmpty()) {
			// The archive's own "." (dockerd skips it): the target directory already exists.
			return;
		}
		List<String> parent = ScopedPath.resolve(this.view, this.dest,
				String.join("/", relative.subList(0, relative.size() - 1)));
		String base = relative.get(relative.size() - 1);
		List<String> target = new ArrayList<>(parent);
		target.add(base);
		String shown = "/" + String.join("/", target);
		if (this.view.mountAt(target) != null) {
			throw new ArchiveException("cannot overwrite mount point " + shown);
		}
		Optional<RootView.Node> existing = this.view.lookup(target);
		boolean isDir = entry.isDirectory();
		if (existing.isPresent()) {
			boolean existingDir = existing.get().isDirectory();
			if (this.options.noOverwriteDirNonDir() && existingDir && !isDir) {
				throw new ArchiveException("cannot overwrite directory \"" + shown + "\" with non-directory \""
						+ destShown() + "\"");
			}
			if (this.options.noOverwriteDirNonDir() && !existingDir && isDir) {
				throw new ArchiveException("cannot overwrite non-directory \"" + shown + "\" with directory \""
						+ destShown() + "\"");
			}
			if (existingDir && isDir) {
				Path dir = this.view.writableDir(target);
				applyMetadata(dir, entry, false);
				this.directoryTimes.add(Map.entry(dir, entry));
				return;
			}
		}
		Path host = this.view.writableDir(parent).resolve(base);
		// Whatever is in the writable layer goes; an image layer's entry is hidden by the one we write above it.
		RootView.Stat present = RootView.lstat(host);
		boolean hideLower = this.view.isLayered() && this.view.mountOf(target) == null
				&& (existing.isPresent() || (present != null && present.isWhiteout()));
		if (present != null) {
			deleteTree(host);
		}
		byte type = entry.getLinkFlag();
		boolean special = false;
		if (isDir) {
			Files.createDirectory(host);
			if (hideLower) {
				this.view.setOpaque(host);
			}
		}
		else if (entry.isSymbolicLink()) {
			symlink(entry, relative, host);
		}
		else if (entry.isLink()) {
			hardlink(entry, host);
			return;
		}
		else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
			int kind = entry.isCharacterDevice() ? NativeCalls.S_IFCHR
					: entry.isBlockDevice() ? NativeCalls.S_IFBLK : NativeCalls.S_IFIFO;
			long dev = entry.isFIFO() ? 0 : NativeCalls.makedev(entry.getDevMajor(), entry.getDevMinor());
			int errno = NativeCalls.mknod(host, kind | (entry.getMode() & 07777), dev);
			if (errno != 0) {
				if (NativeCalls.isEperm(errno)) {
					logger.warn("skipping device node " + name + ": mknod not permitted");
					return;
				}
				throw new ArchiveIoException("cannot create " + shown + ": " + NativeCalls.describe(errno), null);
			}
			special = true;
		}
		else if (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM
				|| type == TarConstants.LF_CONTIG) {
			try (OutputStream out = Files.newOutputStream(host, StandardOpenOption.CREATE_NEW,
					StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
				data.transferTo(out);
			}
		}
		else {
			throw new ArchiveException("unhandled tar header type " + (char) type + " for " + name);
		}
		applyMetadata(host, entry, special);
		if (isDir) {
			this.directoryTimes.add(Map.entry(host, entry));
		}
		else if (!special) {
			setTimes(host, entry);
		}
	}

	/**
	 * The entry's name as components below the target directory. dockerd cleans names and refuses those that then
	 * climb out; an absolute name is refused too, since no client writes one into a container.
	 */
	private static List<String> relativeName(String name) {
		if (name.startsWith("/")) {
			throw new ArchiveException("invalid archive entry " + name + ": absolute path");
		}
		if (name.indexOf('\0') >= 0) {
			throw new ArchiveException("invalid archive entry: NUL byte in name");
		}
		List<String> out = new ArrayList<>();
		for (String part : ScopedPath.split(name)) {
			if (part.equals("..")) {
				if (out.isEmpty()) {
					throw new ArchiveException("invalid archive entry " + name + ": outside of the target directory");
				}
				out.remove(out.size() - 1);
			}
			else {
				out.add(part);
			}
		}
		return out;
	}

	/**
	 * dockerd refuses a symlink whose target, taken from the link's own directory, leaves the extraction directory;
	 * an absolute target is read relative to the target directory there, and is allowed. In the container it means
	 * the container's own path either way.
	 */
	private void symlink(TarArchiveEntry entry, List<String> relative, Path host) throws IOException {
		String link = entry.getLinkName();
		if (link == null || link.isEmpty() || link.indexOf('\0') >= 0) {
			throw new ArchiveException("invalid symlink " + entry.getName() + ": empty target");
		}
		List<String> stack = new ArrayList<>(relative.subList(0, relative.size() - 1));
		for (String part : ScopedPath.split(link)) {
			if (part.equals("..")) {
				if (stack.isEmpty()) {
					throw new ArchiveException("invalid symlink \"" + entry.getName() + "\" -> \"" + link + "\"");
				}
				stack.remove(stack.size() - 1);
			}
			else {
				stack.add(part);
			}
		}
		Files.createSymbolicLink(host, Path.of(link));
	}

	/**
	 * A hard link names an earlier entry relative to the target directory. It is linked when that file is in the
	 * writable layer or the same mount; a file of an image layer (or another file system) is copied instead, since a
	 * link would let the container change a layer other containers share.
	 */
	private void hardlink(TarArchiveEntry entry, Path host) throws IOException {
		List<String> linkName = relativeName(entry.getLinkName());
		if (linkName.isEmpty()) {
			throw new ArchiveException("invalid hard link " + entry.getName() + " to the target directory");
		}
		List<String> parent = ScopedPath.resolve(this.view, this.dest,
				String.join("/", linkName.subList(0, linkName.size() - 1)));
		List<String> target = new ArrayList<>(parent);
		target.add(linkName.get(linkName.size() - 1));
		RootView.Node node = this.view.lookup(target)
			.orElseThrow(() -> new ArchiveException("hard link target " + entry.getLinkName() + " does not exist"));
		if (node.isDirectory()) {
			throw new ArchiveException("hard link target " + entry.getLinkName() + " is a directory");
		}
		if (node.origin() != RootView.Origin.LOWER) {
			try {
				Files.createLink(host, node.host());
				return;
			}
			catch (IOException ex) {
				// Another file system (a mount): fall back to a copy.
			}
		}
		if (!node.stat().isRegular()) {
			throw new ArchiveException("hard link target " + entry.getLinkName() + " is not a regular file");
		}
		Files.copy(node.host(), host, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
	}

	private void applyMetadata(Path host, TarArchiveEntry entry, boolean special) throws IOException {
		long uid = (this.options.chownUid() != null) ? this.options.chownUid() : entry.getLongUserId();
		long gid = (this.options.chownGid() != null) ? this.options.chownGid() : entry.getLongGroupId();
		Metadata.chown(host, uid, gid);
		if (!entry.isSymbolicLink()) {
			Metadata.chmod(host, entry.getMode(), special);
		}
		for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
			String key = header.getKey();
			if (!key.startsWith("SCHILY.xattr.")) {
				continue;
			}
			String attr = key.substring("SCHILY.xattr.".length());
			if (!(attr.startsWith("user.") || attr.equals("security.capability"))) {
				continue;
			}
			String value = header.getValue();
			if (value.indexOf('\uFFFD') >= 0) {
				// The tar library decodes PAX values as UTF-8, so a binary value that was not UTF-8 is lost.
				continue;
			}
			int errno = NativeCalls.lsetxattr(host, attr, value.getBytes(StandardCharsets.UTF_8));
			if (errno != 0) {
				logger.debug("xattr " + attr + " of " + entry.getName() + " not set: " + NativeCalls.describe(errno));
			}
		}
	}

	private static void setTimes(Path host, TarArchiveEntry entry) {
		FileTime mtime = entry.getLastModifiedTime();
		if (mtime == null) {
			return;
		}
		FileTime atime = (entry.getLastAccessTime() != null) ? entry.getLastAccessTime() : mtime;
		try {
			Metadata.times(host, atime, mtime);
		}
		catch (IOException ex) {
			logger.debug("times of " + entry.getName() + " not set: " + ex.getMessage());
		}
	}

	private String destShown() {
		return "/" + String.join("/", this.dest);
	}

	/** Removes a file or a whole tree without following any symlink in it. */
	static void deleteTree(Path path) throws IOException {
		RootView.Stat st = RootView.lstat(path);
		if (st == null) {
			return;
		}
		if (!st.isDirectory()) {
			Files.delete(path);
			return;
		}
		Files.walkFileTree(path, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Files.delete(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path dir, @Nullable IOException exc) throws IOException {
				if (exc != null) {
					throw exc;
				}
				Files.delete(dir);
				return FileVisitResult.CONTINUE;
			}

		});
	}

}
