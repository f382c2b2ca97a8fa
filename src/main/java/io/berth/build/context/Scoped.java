package io.berth.build.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.berth.error.InvalidParameterException;
import org.jspecify.annotations.Nullable;

/**
 * Resolves a path inside a root directory as if the root were {@code /} (dockerd's {@code FollowSymlinkInScope}):
 * symlinks are followed, an absolute target restarts at the root and {@code ..} stops there, so nothing outside the
 * root is ever reached. Every component on the way is checked with {@code lstat}, never followed by the kernel.
 */
final class Scoped {

	/** Linux's limit on symlinks followed in one lookup. */
	private static final int MAX_LINKS = 40;

	private Scoped() {
	}

	/** Decides whether a component the walk reaches is there at all (a {@code .dockerignore} can hide it). */
	@FunctionalInterface
	interface Visibility {

		Visibility ALL = (path, stat) -> true;

		boolean visible(List<String> path, Stat stat) throws IOException;

	}

	/** A resolved path: its components below the root, and what is there. */
	record Resolved(List<String> path, Stat stat) {

		Resolved {
			path = List.copyOf(path);
		}

	}

	/** The host path of components already resolved inside the root. */
	static Path host(Path root, List<String> path) {
		Path p = root;
		for (String part : path) {
			p = p.resolve(part);
		}
		return p;
	}

	/**
	 * Resolves {@code path} (absolute or relative: both start at the root).
	 * @param followFinal whether a symlink as the last component is followed too
	 * @return null when a component is missing, hidden, or not a directory where one is needed
	 */
	static @Nullable Resolved resolve(Path root, String path, boolean followFinal, Visibility visibility)
			throws IOException {
		Deque<String> pending = new ArrayDeque<>(GoPaths.split(path));
		List<String> resolved = new ArrayList<>();
		Stat stat = Stat.lstat(root);
		if (stat == null) {
			return null;
		}
		int links = 0;
		while (!pending.isEmpty()) {
			String part = pending.removeFirst();
			if (part.equals("..")) {
				if (!resolved.isEmpty()) {
					resolved.remove(resolved.size() - 1);
				}
				stat = Stat.lstat(host(root, resolved));
				if (stat == null) {
					return null;
				}
				continue;
			}
			List<String> candidate = new ArrayList<>(resolved);
			candidate.add(part);
			Path host;
			try {
				host = host(root, candidate);
			}
			catch (InvalidPathException ex) {
				return null;
			}
			Stat s = Stat.lstat(host);
			if (s == null || !visibility.visible(candidate, s)) {
				return null;
			}
			if (s.isSymlink() && (followFinal || !pending.isEmpty())) {
				if (++links > MAX_LINKS) {
					throw new InvalidParameterException("too many levels of symbolic links: " + path);
				}
				String target = Files.readSymbolicLink(host).toString();
				if (target.startsWith("/")) {
					resolved.clear();
				}
				List<String> parts = GoPaths.split(target);
				for (int i = parts.size() - 1; i >= 0; i--) {
					pending.addFirst(parts.get(i));
				}
				stat = Stat.lstat(host(root, resolved));
				if (stat == null) {
					return null;
				}
				continue;
			}
			if (!pending.isEmpty() && !s.isDirectory()) {
				return null;
			}
			resolved = candidate;
			stat = s;
		}
		return new Resolved(resolved, stat);
	}

}
