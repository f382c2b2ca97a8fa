package io.berth.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.berth.container.archive.ArchiveIoException;
import io.berth.container.archive.GoFileMode;
import io.berth.container.archive.PathStat;
import io.berth.container.archive.RootView;
import io.berth.container.archive.ScopedPath;
import io.berth.container.archive.TarExtractor;
import io.berth.container.archive.TarStreamer;
import io.berth.error.InvalidParameterException;
import io.berth.paths.EnginePaths;

import org.springframework.stereotype.Service;

/**
 * {@code docker cp}: stat, archive and extract paths of a container, running or not. A running container is read and
 * written through the overlay its monitor mounted; a stopped one through its layers, writes landing in its upper
 * directory. Either way the container's volumes, bind mounts and {@code /etc/hosts}-style files are where the
 * container sees them, and every path is resolved inside the container's root.
 * <p>
 * As with dockerd (CVE-2018-15664), a running container is frozen from the first lookup of a path to the last byte
 * copied, so that no process in it can swap a directory for a symlink between two steps of the resolution.
 */
@Service
public class ContainerArchive {

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final EnginePaths paths;

	ContainerArchive(ContainerService containers, ContainerLifecycle lifecycle, EnginePaths paths) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.paths = paths;
	}

	/** Where a tar goes: given the path's stat (for the response header), the stream to write the tar to. */
	@FunctionalInterface
	public interface TarTarget {

		OutputStream open(PathStat stat) throws IOException;

	}

	/**
	 * The path's stat; a symlink at the end is not followed, and its resolved target is reported.
	 * @throws ContainerPathNotFoundException when nothing is there
	 */
	public PathStat stat(String ref, String path) {
		Container c = this.containers.get(ref);
		try (ContainerLifecycle.CopyFreeze frozen = this.lifecycle.freezeForCopy(c)) {
			RootView view = view(c);
			return stat(view, target(view, path, ref), absolute(path), ref);
		}
	}

	/**
	 * A tar of the path: a file as one entry, a directory with everything below it, named after the path's last
	 * component ({@code dir/.} gives the directory's contents as {@code ./...}). It is written as it is read, so a
	 * slow reader keeps a running container frozen for longer.
	 * @throws ContainerPathNotFoundException when nothing is there, before anything is opened
	 */
	public void archive(String ref, String path, TarTarget target) throws IOException {
		Container c = this.containers.get(ref);
		try (ContainerLifecycle.CopyFreeze frozen = this.lifecycle.freezeForCopy(c)) {
			RootView view = view(c);
			RootView.Node node = target(view, path, ref);
			String abs = absolute(path);
			PathStat stat = stat(view, node, abs, ref);
			// dockerd rebases the root onto "", so its entries are "/", "/bin", ...
			String topName = stat.name().equals("/") ? "" : stat.name();
			TarStreamer.write(view, node, topName, target.open(stat));
		}
		this.containers.events().publish(c, "archive-path");
	}

	/**
	 * Extracts a tar into the directory at {@code path}, a symlink there followed (inside the container).
	 * @param noOverwriteDirNonDir refuse to replace a directory by a non-directory and the reverse
	 * @param copyUidGid give every entry the container user's uid and gid ({@code docker cp -a})
	 */
	public void extract(String ref, String path, boolean noOverwriteDirNonDir, boolean copyUidGid, InputStream tar) {
		Container c = this.containers.get(ref);
		requirePath(path);
		try (ContainerLifecycle.CopyFreeze frozen = this.lifecycle.freezeForCopy(c)) {
			extractInto(c, ref, path, noOverwriteDirNonDir, copyUidGid, tar);
		}
		this.containers.events().publish(c, "extract-to-dir");
	}

	private void extractInto(Container c, String ref, String path, boolean noOverwriteDirNonDir, boolean copyUidGid,
			InputStream tar) {
		RootView view = view(c);
		List<String> dest = ScopedPath.resolve(view, absolute(path));
		RootView.Node dir = view.lookup(dest).orElseThrow(() -> new ContainerPathNotFoundException(path, ref));
		if (!dir.isDirectory()) {
			throw new InvalidParameterException("extraction point is not a directory");
		}
		RootView.Mount mount = view.mountOf(dest);
		if (mount != null && mount.readOnly()) {
			throw new InvalidParameterException("mounted volume is marked read-only");
		}
		if (mount == null && CreateRequestParser.hostSettings(c.getHostConfig()).readonlyRootfs()) {
			throw new InvalidParameterException("container rootfs is marked read-only");
		}
		Long uid = null;
		Long gid = null;
		if (copyUidGid) {
			Object user = this.containers.config(c).getOrDefault("User", "");
			UserResolver.User u = UserResolver.resolve((user instanceof String s) ? s : "",
					this.lifecycle.layersTopFirst(c));
			uid = (long) u.uid();
			gid = (long) u.gid();
		}
		try {
			TarExtractor.extract(view, dest, tar, new TarExtractor.Options(noOverwriteDirNonDir, uid, gid));
		}
		catch (IOException ex) {
			throw new ArchiveIoException("cannot extract the archive into " + path, ex);
		}
	}

	/**
	 * dockerd's {@code ResolvePath}: the directory part is resolved in scope, the last component is taken as it is
	 * (a symlink there is the link itself). A trailing {@code /} or {@code /.} asks for the directory the rest names.
	 */
	private static RootView.Node target(RootView view, String path, String ref) {
		requirePath(path);
		String abs = absolute(path);
		int slash = abs.lastIndexOf('/');
		String dirPart = abs.substring(0, slash + 1);
		String base = abs.substring(slash + 1);
		List<String> dir = ScopedPath.resolve(view, dirPart);
		Optional<RootView.Node> node;
		if (base.isEmpty() || base.equals(".")) {
			node = view.lookup(dir).filter(RootView.Node::isDirectory);
		}
		else {
			List<String> full = new ArrayList<>(dir);
			full.add(base);
			node = view.lookup(full);
		}
		return node.orElseThrow(() -> new ContainerPathNotFoundException(path, ref));
	}

	private static PathStat stat(RootView view, RootView.Node node, String abs, String ref) {
		String linkTarget = "";
		if (node.isSymlink()) {
			linkTarget = "/" + String.join("/", ScopedPath.resolve(view, abs));
		}
		return new PathStat(goBase(abs), node.stat().size(), GoFileMode.of(node.stat().mode()),
				node.stat().mtime().toInstant(), linkTarget);
	}

	private static void requirePath(String path) {
		if (path == null || path.isEmpty()) {
			throw new InvalidParameterException("Path cannot be empty");
		}
	}

	/**
	 * The path made absolute and clean, keeping a trailing {@code /} or {@code /.}, which mean "the directory" and
	 * "the directory's contents": archive's {@code PreserveTrailingDotOrSeparator(filepath.Join("/", path), path)}.
	 */
	static String absolute(String path) {
		String abs = "/" + String.join("/", ScopedPath.clean(path));
		if (!goBase(abs).equals(".") && goBase(path).equals(".")) {
			abs += abs.endsWith("/") ? "." : "/.";
		}
		if (!abs.endsWith("/") && path.endsWith("/")) {
			abs += "/";
		}
		return abs;
	}

	/** Go's {@code filepath.Base}: the last element, trailing slashes ignored; {@code /} for the root. */
	static String goBase(String path) {
		String p = path;
		while (p.length() > 1 && p.endsWith("/")) {
			p = p.substring(0, p.length() - 1);
		}
		if (p.isEmpty()) {
			return ".";
		}
		if (p.equals("/")) {
			return "/";
		}
		return p.substring(p.lastIndexOf('/') + 1);
	}

	/** The container's tree: its mounted overlay while that is mounted, its layers otherwise. */
	RootView view(Container c) {
		List<RootView.Mount> mounts = mounts(c);
		Path rootfs = this.lifecycle.rootfs(c);
		if (c.getState().isActive() && isMountPoint(rootfs)) {
			return RootView.mounted(rootfs, mounts);
		}
		return RootView.layered(this.lifecycle.layersTopFirst(c), mounts);
	}

	/**
	 * The container's mounts that hold files: the engine's {@code /etc/resolv.conf}, {@code /etc/hostname} and
	 * {@code /etc/hosts} unless the user mounted their own there, then bind mounts and volumes (tmpfs lives only in
	 * the container's mount namespace, so, as with dockerd, a copy goes underneath it).
	 */
	private List<RootView.Mount> mounts(Container c) {
		ContainerFiles files = ContainerFiles.of(this.paths, c.getId());
		List<MountPlan> plans = this.containers.mounts(c);
		List<RootView.Mount> out = new ArrayList<>();
		for (Map.Entry<String, Path> f : List.of(Map.entry("/etc/resolv.conf", files.resolvConf()),
				Map.entry("/etc/hostname", files.hostname()), Map.entry("/etc/hosts", files.hosts()))) {
			boolean overridden = plans.stream().anyMatch((p) -> p.destination().equals(f.getKey()));
			if (!overridden && Files.exists(f.getValue(), LinkOption.NOFOLLOW_LINKS)) {
				out.add(new RootView.Mount(ScopedPath.clean(f.getKey()), f.getValue(), false));
			}
		}
		for (MountPlan p : plans) {
			if (p.type().equals("bind") || p.type().equals("volume")) {
				out.add(new RootView.Mount(ScopedPath.clean(p.destination()), Path.of(p.source()), p.readOnly()));
			}
		}
		return out;
	}

	/** An overlay mounted on a directory gives it a device number of its own. */
	private static boolean isMountPoint(Path dir) {
		try {
			Object here = Files.getAttribute(dir, "unix:dev", LinkOption.NOFOLLOW_LINKS);
			Object parent = Files.getAttribute(dir.getParent(), "unix:dev", LinkOption.NOFOLLOW_LINKS);
			return !here.equals(parent);
		}
		catch (IOException | RuntimeException ex) {
			return false;
		}
	}

}
