package io.berth.container.archive;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Resolves paths the way the container itself would, and never outside its root: every symlink met is read (not
 * followed by the kernel) and its text resolved in the same tree, an absolute link starting again at the container's
 * root, and {@code ..} stopping at that root. This is dockerd's {@code FollowSymlinkInScope}; a link to
 * {@code /../../etc/shadow} names the container's {@code /etc/shadow}, never the host's.
 *
 * @see <a href="https://github.com/moby/moby/blob/v20.10.24/pkg/symlink/fs.go">moby pkg/symlink</a>
 */
public final class ScopedPath {

	/** Linux gives up after 40 links; dockerd allows 255. */
	static final int MAX_LINKS = 255;

	private ScopedPath() {
	}

	/** Splits a container path into its components, dropping empty ones and {@code .}; {@code ..} is kept. */
	public static List<String> split(String path) {
		List<String> out = new ArrayList<>();
		for (String part : path.split("/")) {
			if (!part.isEmpty() && !part.equals(".")) {
				out.add(part);
			}
		}
		return out;
	}

	/**
	 * Lexically cleans a path relative to the root: {@code ..} removes the component before it and stays at the root
	 * when there is none, as Go's {@code filepath.Clean("/" + p)} does.
	 */
	public static List<String> clean(String path) {
		List<String> out = new ArrayList<>();
		for (String part : split(path)) {
			if (part.equals("..")) {
				if (!out.isEmpty()) {
					out.remove(out.size() - 1);
				}
			}
			else {
				out.add(part);
			}
		}
		return out;
	}

	/** Resolves an absolute container path, following every symlink in it, the last one included. */
	public static List<String> resolve(RootView view, String path) {
		return resolve(view, List.of(), path);
	}

	/**
	 * Resolves {@code path} starting at the (already resolved) directory {@code base}, or at the root when the path
	 * is absolute. Missing components are kept as they are, so the result may name something that does not exist yet.
	 * @throws ArchiveException after {@value #MAX_LINKS} links, which only a loop produces
	 */
	public static List<String> resolve(RootView view, List<String> base, String path) {
		Deque<String> todo = new ArrayDeque<>(split(path));
		List<String> out = new ArrayList<>(path.startsWith("/") ? List.of() : base);
		int links = 0;
		while (!todo.isEmpty()) {
			String part = todo.pollFirst();
			if (part.equals("..")) {
				if (!out.isEmpty()) {
					out.remove(out.size() - 1);
				}
				continue;
			}
			out.add(part);
			Optional<RootView.Node> node = view.lookup(out);
			if (node.isEmpty() || !node.get().isSymlink()) {
				continue;
			}
			if (++links > MAX_LINKS) {
				throw new ArchiveException("too many links in " + path);
			}
			out.remove(out.size() - 1);
			String target = view.readlink(node.get());
			if (target.startsWith("/")) {
				out.clear();
			}
			List<String> targetParts = split(target);
			for (int i = targetParts.size() - 1; i >= 0; i--) {
				todo.addFirst(targetParts.get(i));
			}
		}
		return out;
	}

}
