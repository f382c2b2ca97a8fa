package io.berth.build.context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.berth.content.Sha256;
import io.berth.error.InvalidParameterException;
import io.berth.error.SystemException;
import org.jspecify.annotations.Nullable;

/**
 * A read-only directory that COPY and ADD take files from: the build context, whose {@code .dockerignore} hides
 * what it excludes, or another stage's or image's root filesystem. Paths are resolved as if the root were
 * {@code /}, so no symlink in it can lead outside. Not thread-safe; make one per instruction.
 */
public final class SourceTree {

	private static final int BUFFER = 256 * 1024;

	private final Path root;

	private final @Nullable DockerIgnore ignore;

	/** Excluded directories an exception may re-include something in: whether something in them is kept. */
	private final Map<String, Boolean> keptInside = new HashMap<>();

	private SourceTree(Path root, @Nullable DockerIgnore ignore) {
		this.root = root;
		this.ignore = ignore;
	}

	/**
	 * @param root an existing directory
	 * @param ignore the build context's rules (even when empty), or null for a stage's or image's filesystem
	 */
	public static SourceTree of(Path root, @Nullable DockerIgnore ignore) {
		return new SourceTree(realDirectory(root), ignore);
	}

	/** The directory's real path, so that resolving inside it starts from a directory, not a symlink to one. */
	static Path realDirectory(Path root) {
		try {
			Path real = root.toRealPath();
			if (Files.isDirectory(real)) {
				return real;
			}
		}
		catch (IOException ex) {
			// Reported below.
		}
		throw new IllegalArgumentException("not a directory: " + root);
	}

	public Path root() {
		return this.root;
	}

	/** The build context's rules, or null when this is not a build context. */
	public @Nullable DockerIgnore ignore() {
		return this.ignore;
	}

	/** {@link #resolve(List, String)} for COPY. */
	public List<Source> resolve(List<String> sources) {
		return resolve(sources, "COPY");
	}

	/**
	 * Finds each source of a COPY or ADD (variables already expanded), in order. A leading {@code /} is ignored; a
	 * wildcard ({@code filepath.Match} per path component) gives its matches in lexical order, without entering
	 * symlinked directories to find them, as dockerd's walk does; symlinks on a path are then followed inside the
	 * tree.
	 * @param instruction {@code COPY} or {@code ADD}, for the messages
	 * @throws InvalidParameterException for a path climbing out of the tree, or a source that is missing, excluded,
	 * or a wildcard that matches nothing
	 */
	public List<Source> resolve(List<String> sources, String instruction) {
		List<Source> out = new ArrayList<>();
		try {
			for (String source : sources) {
				out.addAll(resolveOne(source, instruction));
			}
		}
		catch (IOException ex) {
			throw new SystemException(instruction + " failed: " + ex.getMessage(), ex);
		}
		return out;
	}

	private List<Source> resolveOne(String argument, String instruction) throws IOException {
		String path = argument;
		if (path.length() > 1 && path.startsWith("/")) {
			path = path.substring(1);
		}
		if (path.startsWith("./")) {
			path = path.substring(2);
		}
		String cleaned = GoPaths.clean(path);
		while (cleaned.startsWith("/")) {
			cleaned = GoPaths.clean(cleaned.substring(1));
		}
		if (cleaned.equals("..") || cleaned.startsWith("../")) {
			throw new InvalidParameterException(instruction + " failed: forbidden path outside the build context: "
					+ path + " ()");
		}
		if (!GoPaths.containsWildcards(path)) {
			return List.of(found(argument, cleaned, instruction));
		}
		List<String> matches = glob(GoPaths.split(cleaned));
		if (matches.isEmpty()) {
			throw notFound(instruction, cleaned);
		}
		List<Source> out = new ArrayList<>();
		for (String match : matches) {
			out.add(found(argument, match, instruction));
		}
		return out;
	}

	private Source found(String argument, String name, String instruction) throws IOException {
		Scoped.Resolved r = Scoped.resolve(this.root, name, true, this::visible);
		if (r == null) {
			throw notFound(instruction, name);
		}
		return new Source(this, argument, name, r.path(), r.stat());
	}

	/** The visible paths matching the pattern's components, level by level through real directories only. */
	private List<String> glob(List<String> patterns) throws IOException {
		List<List<String>> level = List.of(List.of());
		for (int i = 0; i < patterns.size(); i++) {
			boolean last = i == patterns.size() - 1;
			List<List<String>> next = new ArrayList<>();
			for (List<String> dir : level) {
				for (Child child : children(dir)) {
					if ((last || child.stat().isDirectory()) && componentMatches(patterns.get(i), child.name())) {
						next.add(child.path());
					}
				}
			}
			level = next;
		}
		return level.stream().map((p) -> String.join("/", p)).toList();
	}

	private static boolean componentMatches(String pattern, String name) {
		try {
			return GoPaths.match(pattern, name);
		}
		catch (GoPaths.BadPatternException ex) {
			// dockerd ignores the error and so matches nothing.
			return false;
		}
	}

	private InvalidParameterException notFound(String instruction, String path) {
		String where = (this.ignore != null) ? "file not found in build context or excluded by .dockerignore: " : "";
		return new InvalidParameterException(instruction + " failed: " + where + "stat " + path
				+ ": file does not exist");
	}

	/**
	 * A stable sha256 (hex) of what the sources would copy: for each source its name, then for it and everything
	 * below it in sorted order the relative path, type, mode bits, size, symlink target, device number and content.
	 * Owners and mtimes are left out, as dockerd's classic cache leaves them out.
	 */
	public String checksum(List<Source> sources) {
		try (Sha256 sha = Sha256.start()) {
			Hasher h = new Hasher(sha);
			for (Source source : sources) {
				checkResolvedHere(source);
				h.field("source");
				h.field(source.name());
				if (source.stat().isDirectory()) {
					h.field("d");
					hashChildren(h, "", source.resolved());
				}
				else {
					hashNode(h, ".", source.resolved(), source.stat());
				}
			}
			return sha.finish().hex();
		}
		catch (IOException ex) {
			throw new SystemException("cannot compute the checksum of the copied files: " + ex.getMessage(), ex);
		}
	}

	private void hashChildren(Hasher h, String relative, List<String> dir) throws IOException {
		for (Child child : children(dir)) {
			String name = relative.isEmpty() ? child.name() : relative + "/" + child.name();
			hashNode(h, name, child.path(), child.stat());
			if (child.stat().isDirectory()) {
				hashChildren(h, name, child.path());
			}
		}
	}

	private void hashNode(Hasher h, String relative, List<String> path, Stat stat) throws IOException {
		h.field(relative);
		h.field(String.valueOf(stat.type().letter()));
		h.field(Integer.toOctalString(stat.mode()));
		switch (stat.type()) {
			case FILE -> {
				h.field(Long.toString(stat.size()));
				h.content(Scoped.host(this.root, path), stat.size());
			}
			case SYMLINK -> h.field(Files.readSymbolicLink(Scoped.host(this.root, path)).toString());
			case CHAR_DEVICE, BLOCK_DEVICE -> h.field(stat.devMajor() + ":" + stat.devMinor());
			default -> {
			}
		}
	}

	/** Sources carry paths of one tree; another tree's would be read in the wrong place. */
	void checkResolvedHere(Source source) {
		if (source.tree() != this) {
			throw new IllegalArgumentException(source + " was resolved in another source tree");
		}
	}

	/** An entry of a directory that is in the tree. */
	record Child(String name, List<String> path, Stat stat) {

	}

	/** The directory's visible entries, sorted by name; {@code dir} must be a real directory of the tree. */
	List<Child> children(List<String> dir) throws IOException {
		List<String> names = new ArrayList<>();
		try (DirectoryStream<Path> entries = Files.newDirectoryStream(Scoped.host(this.root, dir))) {
			for (Path entry : entries) {
				names.add(entry.getFileName().toString());
			}
		}
		Collections.sort(names);
		List<Child> out = new ArrayList<>(names.size());
		for (String name : names) {
			List<String> path = new ArrayList<>(dir);
			path.add(name);
			Stat stat = Stat.lstat(Scoped.host(this.root, path));
			if (stat != null && visible(path, stat)) {
				out.add(new Child(name, List.copyOf(path), stat));
			}
		}
		return out;
	}

	/** The host path of a path of the tree already resolved, for reading. */
	Path host(List<String> path) {
		return Scoped.host(this.root, path);
	}

	/**
	 * Whether {@code .dockerignore} leaves the path in the context. An excluded directory that an exception may
	 * re-include something in is there exactly when something inside it is, as when the CLI walks it.
	 */
	private boolean visible(List<String> path, Stat stat) throws IOException {
		if (this.ignore == null || path.isEmpty()) {
			return true;
		}
		String relative = String.join("/", path);
		if (!this.ignore.matches(relative)) {
			return true;
		}
		if (!stat.isDirectory() || this.ignore.excluded(relative, true)) {
			return false;
		}
		Boolean kept = this.keptInside.get(relative);
		if (kept == null) {
			kept = !children(path).isEmpty();
			this.keptInside.put(relative, kept);
		}
		return kept;
	}

	@Override
	public String toString() {
		return "SourceTree[" + this.root + (this.ignore != null ? ", " + this.ignore : "") + "]";
	}

	/** Feeds length-prefixed fields and file contents to a sha256, so no two different inputs run together. */
	private static final class Hasher {

		private final Sha256 sha;

		private final byte[] buffer = new byte[BUFFER];

		Hasher(Sha256 sha) {
			this.sha = sha;
		}

		void field(String value) {
			byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
			byte[] length = { (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16), (byte) (bytes.length >>> 8),
					(byte) bytes.length };
			this.sha.update(length, 0, 4);
			this.sha.update(bytes, 0, bytes.length);
		}

		void content(Path file, long size) throws IOException {
			long total = 0;
			try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
				int n;
				while ((n = in.read(this.buffer)) > 0) {
					this.sha.update(this.buffer, 0, n);
					total += n;
				}
			}
			if (total != size) {
				throw new IOException(file.getFileName() + " changed while it was read");
			}
		}

	}

}
