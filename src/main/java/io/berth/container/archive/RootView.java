package io.berth.container.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

/**
 * A container's root filesystem as the container sees it, addressed by path components from its root. Either one
 * directory (the overlay the runtime mounted while the container runs) or the overlay's layers read the way
 * overlayfs merges them (for a stopped container, whose overlay is not mounted): the topmost entry of a name wins, a
 * 0/0 character device hides the name in the layers below, directories merge down to one marked opaque with
 * {@code trusted.overlay.opaque=y}. The container's bind mounts and volumes sit on top, as in the container.
 * <p>
 * Nothing here follows a symlink: every component is looked at with {@code lstat}, and callers resolve links through
 * {@link ScopedPath}, which keeps them inside this root.
 */
public final class RootView {

	private static final int S_IFMT = 0170000;

	private static final int S_IFDIR = 0040000;

	private static final int S_IFLNK = 0120000;

	private static final int S_IFREG = 0100000;

	static final String OPAQUE_XATTR = "trusted.overlay.opaque";

	/**
	 * A host file or directory mounted into the container.
	 *
	 * @param destination the mount point's components in the container
	 */
	public record Mount(List<String> destination, Path source, boolean readOnly) {

		public Mount {
			destination = List.copyOf(destination);
		}

	}

	/** Where a node's bytes live, which decides whether it may be changed in place. */
	public enum Origin {

		/** The writable layer (or the single mounted root). */
		TOP,

		/** A read-only image layer: never written, only shadowed. */
		LOWER,

		/** A bind mount or volume. */
		MOUNT

	}

	/** A host directory that contributes to a merged directory, and the layer it is in (0 = topmost). */
	record LayerDir(int layer, Path dir) {
	}

	/** The {@code lstat} fields the archive code needs. */
	public record Stat(int mode, long uid, long gid, long size, FileTime mtime, FileTime atime, long ino, long dev,
			long rdev, int nlink) {

		public boolean isDirectory() {
			return (this.mode & S_IFMT) == S_IFDIR;
		}

		public boolean isSymlink() {
			return (this.mode & S_IFMT) == S_IFLNK;
		}

		public boolean isRegular() {
			return (this.mode & S_IFMT) == S_IFREG;
		}

		public int type() {
			return this.mode & S_IFMT;
		}

		/** overlayfs's whiteout: a character device with device number 0/0. */
		boolean isWhiteout() {
			return (this.mode & S_IFMT) == NativeCalls.S_IFCHR && this.rdev == 0;
		}

	}

	/**
	 * One entry of the tree.
	 *
	 * @param path its components from the container's root
	 * @param host where it is on the host (for a merged directory, its topmost part)
	 * @param layers for a directory, every host directory merged into it, topmost first
	 * @param mount the mount it is in, if any
	 */
	public record Node(List<String> path, Path host, Stat stat, List<LayerDir> layers, Origin origin,
			@Nullable Mount mount) {

		public Node {
			path = List.copyOf(path);
			layers = List.copyOf(layers);
		}

		public boolean isDirectory() {
			return this.stat.isDirectory();
		}

		public boolean isSymlink() {
			return this.stat.isSymlink();
		}

		/** The container path, {@code /a/b}. */
		public String containerPath() {
			return "/" + String.join("/", this.path);
		}

	}

	private final List<Path> layersTopFirst;

	private final boolean overlay;

	private final List<Mount> mounts;

	private RootView(List<Path> layersTopFirst, boolean overlay, List<Mount> mounts) {
		this.layersTopFirst = List.copyOf(layersTopFirst);
		this.overlay = overlay;
		this.mounts = List.copyOf(mounts);
	}

	/** A root that is one directory, such as the mounted overlay of a running container. */
	public static RootView mounted(Path root, List<Mount> mounts) {
		return new RootView(List.of(root), false, mounts);
	}

	/**
	 * A stopped container's root read from its overlay layers.
	 * @param layersTopFirst the writable layer (overlay's upper dir), then the image layers from the top down
	 */
	public static RootView layered(List<Path> layersTopFirst, List<Mount> mounts) {
		return new RootView(layersTopFirst, true, mounts);
	}

	/** Looks a path up without following any symlink in it; empty when a component is missing or not a directory. */
	public Optional<Node> lookup(List<String> path) {
		Node current = root();
		for (int i = 0; i < path.size(); i++) {
			List<String> prefix = path.subList(0, i + 1);
			Mount mount = mountAt(prefix);
			if (mount != null) {
				Stat st = lstat(mount.source());
				if (st == null) {
					return Optional.empty();
				}
				current = new Node(prefix, mount.source(), st,
						st.isDirectory() ? List.of(new LayerDir(0, mount.source())) : List.of(), Origin.MOUNT, mount);
				continue;
			}
			if (!current.isDirectory()) {
				return Optional.empty();
			}
			current = child(current, path.get(i));
			if (current == null) {
				return Optional.empty();
			}
		}
		return Optional.of(current);
	}

	private Node root() {
		List<LayerDir> dirs = new ArrayList<>();
		Stat top = null;
		Path host = this.layersTopFirst.get(0);
		for (int i = 0; i < this.layersTopFirst.size(); i++) {
			Path layer = this.layersTopFirst.get(i);
			Stat st = lstat(layer);
			if (st != null && st.isDirectory()) {
				if (top == null) {
					top = st;
					host = layer;
				}
				dirs.add(new LayerDir(i, layer));
			}
		}
		if (top == null) {
			top = new Stat(S_IFDIR | 0755, 0, 0, 0, FileTime.fromMillis(0), FileTime.fromMillis(0), 0, 0, 0, 1);
		}
		return new Node(List.of(), host, top, dirs, dirs.isEmpty() || dirs.get(0).layer() == 0 ? Origin.TOP
				: Origin.LOWER, null);
	}

	/** The entry {@code name} of a directory node, merged across layers as overlayfs does. */
	private @Nullable Node child(Node dir, String name) {
		List<String> path = new ArrayList<>(dir.path());
		path.add(name);
		if (dir.origin() == Origin.MOUNT || !this.overlay) {
			Path p = dir.host().resolve(name);
			Stat st = lstat(p);
			if (st == null) {
				return null;
			}
			return new Node(path, p, st, st.isDirectory() ? List.of(new LayerDir(0, p)) : List.of(), dir.origin(),
					dir.mount());
		}
		Path foundHost = null;
		Stat found = null;
		int foundLayer = 0;
		List<LayerDir> merged = new ArrayList<>();
		for (LayerDir d : dir.layers()) {
			Path p = d.dir().resolve(name);
			Stat st = lstat(p);
			if (st == null) {
				continue;
			}
			if (st.isWhiteout()) {
				break;
			}
			if (found == null) {
				found = st;
				foundHost = p;
				foundLayer = d.layer();
				if (!st.isDirectory()) {
					break;
				}
			}
			else if (!st.isDirectory()) {
				// A non-directory below a directory is hidden, and so is everything under it.
				break;
			}
			merged.add(new LayerDir(d.layer(), p));
			if (isOpaque(p)) {
				break;
			}
		}
		if (found == null) {
			return null;
		}
		return new Node(path, foundHost, found, merged, (foundLayer == 0) ? Origin.TOP : Origin.LOWER, null);
	}

	/** The names in a directory node, sorted, whiteouts and hidden names left out, mount points included. */
	public List<String> children(Node dir) {
		TreeSet<String> names = new TreeSet<>();
		for (LayerDir d : dir.layers()) {
			try (DirectoryStream<Path> entries = Files.newDirectoryStream(d.dir())) {
				for (Path e : entries) {
					names.add(e.getFileName().toString());
				}
			}
			catch (NoSuchFileException | NotDirectoryException ex) {
				// Removed while we read: it has no children any more.
			}
			catch (IOException ex) {
				throw new ArchiveIoException("cannot list " + dir.containerPath(), ex);
			}
		}
		for (Mount m : this.mounts) {
			if (m.destination().size() == dir.path().size() + 1
					&& m.destination().subList(0, dir.path().size()).equals(dir.path())) {
				names.add(m.destination().get(dir.path().size()));
			}
		}
		List<String> out = new ArrayList<>();
		boolean merged = this.overlay && dir.origin() != Origin.MOUNT;
		for (String name : names) {
			List<String> p = new ArrayList<>(dir.path());
			p.add(name);
			// In merged layers a listed name may be a whiteout or hidden by one; a plain directory lists what is there.
			if (mountAt(p) != null || !merged || child(dir, name) != null) {
				out.add(name);
			}
		}
		return out;
	}

	/** Opens a regular file for reading; refuses to follow a symlink swapped in since the lookup. */
	public InputStream open(Node file) throws IOException {
		return Files.newInputStream(file.host(), LinkOption.NOFOLLOW_LINKS);
	}

	/** The text of a symlink, exactly as stored. */
	public String readlink(Node link) {
		try {
			return Files.readSymbolicLink(link.host()).toString();
		}
		catch (IOException ex) {
			throw new ArchiveIoException("cannot read the symlink " + link.containerPath(), ex);
		}
	}

	/** Whether writes land in an overlay's upper directory rather than a mounted root. */
	boolean isLayered() {
		return this.overlay;
	}

	/** The mount whose mount point is exactly this path, the last one listed winning as in the runtime. */
	@Nullable Mount mountAt(List<String> path) {
		Mount match = null;
		for (Mount m : this.mounts) {
			if (m.destination().equals(path)) {
				match = m;
			}
		}
		return match;
	}

	/** The innermost mount holding this path (or being it), if any. */
	public @Nullable Mount mountOf(List<String> path) {
		Mount best = null;
		for (Mount m : this.mounts) {
			List<String> d = m.destination();
			if (d.size() <= path.size() && path.subList(0, d.size()).equals(d)
					&& (best == null || d.size() >= best.destination().size())) {
				best = m;
			}
		}
		return best;
	}

	/**
	 * The host directory where entries of the directory {@code path} are written, creating what is missing. In a
	 * stopped container's layers that is the upper directory: a directory that so far exists only in image layers is
	 * copied up (created with the same owner, mode and times) and a whited-out name becomes an opaque directory, as
	 * overlayfs itself would do. Inside a mount, it is the mount's own directory.
	 * @throws ArchiveException when a component is not a directory or the mount is read-only
	 */
	public Path writableDir(List<String> path) {
		Path w = this.layersTopFirst.get(0);
		boolean inMount = false;
		try {
			if (lstat(w) == null) {
				Files.createDirectories(w);
			}
			for (int i = 0; i < path.size(); i++) {
				List<String> prefix = path.subList(0, i + 1);
				String shown = "/" + String.join("/", prefix);
				Mount mount = mountAt(prefix);
				if (mount != null) {
					if (mount.readOnly()) {
						throw new ArchiveException("mounted volume is marked read-only");
					}
					Stat st = lstat(mount.source());
					if (st == null || !st.isDirectory()) {
						throw new ArchiveException("not a directory: " + shown);
					}
					w = mount.source();
					inMount = true;
					continue;
				}
				Path p = w.resolve(path.get(i));
				Stat st = lstat(p);
				if (inMount || !this.overlay) {
					if (st == null) {
						createDirectory(p, 0755);
					}
					else if (!st.isDirectory()) {
						throw new ArchiveException("not a directory: " + shown);
					}
				}
				else if (st != null && st.isWhiteout()) {
					Files.delete(p);
					createDirectory(p, 0755);
					setOpaque(p);
				}
				else if (st != null && !st.isDirectory()) {
					throw new ArchiveException("not a directory: " + shown);
				}
				else if (st == null) {
					Optional<Node> below = lookup(prefix);
					if (below.isPresent() && !below.get().isDirectory()) {
						throw new ArchiveException("not a directory: " + shown);
					}
					createDirectory(p, 0755);
					if (below.isPresent()) {
						Stat lower = below.get().stat();
						Metadata.chown(p, lower.uid(), lower.gid());
						Metadata.chmod(p, lower.mode() & 07777, false);
						Metadata.times(p, lower.atime(), lower.mtime());
					}
				}
				w = p;
			}
			return w;
		}
		catch (IOException ex) {
			throw new ArchiveIoException("cannot create " + "/" + String.join("/", path), ex);
		}
	}

	/** Marks a directory of the upper layer opaque, so no lower layer shows through it. */
	void setOpaque(Path dir) {
		int errno = NativeCalls.lsetxattr(dir, OPAQUE_XATTR, new byte[] { 'y' });
		if (errno != 0) {
			throw new ArchiveIoException("cannot mark " + dir.getFileName() + " opaque: " + NativeCalls.describe(errno),
					null);
		}
	}

	private static void createDirectory(Path p, int mode) throws IOException {
		Files.createDirectory(p);
		Metadata.chmod(p, mode, false);
	}

	static boolean isOpaque(Path dir) {
		return NativeCalls.lgetxattr(dir, OPAQUE_XATTR).map((v) -> v.length == 1 && v[0] == 'y').orElse(false);
	}

	/** {@code lstat}, or null when nothing is there (or a parent is not a directory). */
	static @Nullable Stat lstat(Path p) {
		try {
			Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
			return new Stat((Integer) a.get("mode"), ((Integer) a.get("uid")) & 0xffffffffL,
					((Integer) a.get("gid")) & 0xffffffffL, (Long) a.get("size"), (FileTime) a.get("lastModifiedTime"),
					(FileTime) a.get("lastAccessTime"), (Long) a.get("ino"), (Long) a.get("dev"), (Long) a.get("rdev"),
					(Integer) a.get("nlink"));
		}
		catch (NoSuchFileException | NotDirectoryException ex) {
			return null;
		}
		catch (IOException ex) {
			if (ex.getMessage() != null && ex.getMessage().contains("Not a directory")) {
				return null;
			}
			throw new ArchiveIoException("cannot stat " + p.getFileName(), ex);
		}
	}

}
