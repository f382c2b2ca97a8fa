package io.berth.build.context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import io.berth.content.RandomIds;
import io.berth.error.InvalidParameterException;
import io.berth.error.SystemException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The build context of one {@code POST /build}: the request body unpacked into a fresh directory that only this
 * object owns, with its {@code .dockerignore} read. Closing it deletes the directory.
 */
public final class BuildContext implements AutoCloseable {

	/** The most entries a context may have, so a tar of empty files cannot exhaust inodes. */
	public static final int MAX_ENTRIES = 1_000_000;

	/** The largest Dockerfile or {@code .dockerignore} read, so a context cannot make the daemon hold a huge file. */
	public static final int MAX_FILE_BYTES = 10 * 1024 * 1024;

	private static final Log logger = LogFactory.getLog(BuildContext.class);

	private static final String DEFAULT_DOCKERFILE = "Dockerfile";

	private final Path root;

	private final DockerIgnore ignore;

	private boolean closed;

	private BuildContext(Path root, DockerIgnore ignore) {
		this.root = root;
		this.ignore = ignore;
	}

	/**
	 * Unpacks a build context: a tar, plain or compressed with gzip or bzip2 (xz and zstd when their libraries are
	 * on the class path), told apart by magic bytes.
	 * @param body the request body; read to the end of the tar, not closed
	 * @param workDir where to make the context's directory ({@code ctx-<random>}); created if missing
	 * @param maxBytes the most the uncompressed tar, headers included, may hold
	 * @throws InvalidParameterException for a hostile or malformed entry (named), a context over the limits or a bad
	 * {@code .dockerignore}; nothing extracted is left behind
	 */
	public static BuildContext extract(InputStream body, Path workDir, long maxBytes) {
		return extract(body, workDir, maxBytes, MAX_ENTRIES);
	}

	static BuildContext extract(InputStream body, Path workDir, long maxBytes, int maxEntries) {
		if (maxBytes <= 0 || maxEntries <= 0) {
			throw new IllegalArgumentException("the build context limits must be positive");
		}
		Path root;
		try {
			Files.createDirectories(workDir);
			root = Files.createDirectory(workDir.resolve("ctx-" + RandomIds.next().substring(0, 16)));
		}
		catch (IOException ex) {
			throw new SystemException("cannot make a directory for the build context: " + ex.getMessage(), ex);
		}
		try {
			ContextUntar.extract(body, root, maxBytes, maxEntries);
			return new BuildContext(root, readIgnore(root));
		}
		catch (RuntimeException | Error ex) {
			deleteQuietly(root);
			throw ex;
		}
	}

	/** The unpacked context; read-only by convention, deleted by {@link #close()}. */
	public Path root() {
		return this.root;
	}

	/** The rules of the {@code .dockerignore} at the context root, or none. */
	public DockerIgnore ignore() {
		return this.ignore;
	}

	/** The context as COPY and ADD see it: without what {@code .dockerignore} excludes. */
	public SourceTree sources() {
		return SourceTree.of(this.root, this.ignore);
	}

	/**
	 * The Dockerfile's text. Symlinks are followed inside the context; an absolute path is taken inside it, as
	 * dockerd's scoped lookup does. A missing {@code Dockerfile} falls back to {@code dockerfile}, as in dockerd. A
	 * leading UTF-8 byte order mark is dropped. The file is read even when {@code .dockerignore} excludes it.
	 * @param path the {@code dockerfile} parameter of {@code POST /build}, relative to the context; default
	 * {@code Dockerfile}
	 * @throws InvalidParameterException when it is outside the context, missing, empty or over 10 MiB
	 */
	public String dockerfile(@Nullable String path) {
		String name = (path == null || path.isEmpty()) ? DEFAULT_DOCKERFILE : path;
		String cleaned = GoPaths.clean(name);
		if (cleaned.equals("..") || cleaned.startsWith("../")) {
			throw new InvalidParameterException("the Dockerfile (" + name + ") must be within the build context");
		}
		Scoped.Resolved found = resolve(cleaned);
		if (found == null && name.equals(DEFAULT_DOCKERFILE)) {
			found = resolve(DEFAULT_DOCKERFILE.toLowerCase());
		}
		if (found == null || found.path().isEmpty()) {
			throw new InvalidParameterException("Cannot locate specified Dockerfile: " + name);
		}
		if (found.stat().isDirectory()) {
			throw new InvalidParameterException("unexpected error reading Dockerfile: read " + name
					+ ": is a directory");
		}
		if (!found.stat().isFile()) {
			throw new InvalidParameterException("Cannot locate specified Dockerfile: " + name);
		}
		String text = read(found, "the Dockerfile (" + name + ")");
		if (text.isEmpty()) {
			throw new InvalidParameterException("the Dockerfile (" + name + ") cannot be empty");
		}
		return text;
	}

	private Scoped.@Nullable Resolved resolve(String path) {
		try {
			return Scoped.resolve(this.root, path, true, Scoped.Visibility.ALL);
		}
		catch (IOException ex) {
			throw new SystemException("cannot read the build context: " + ex.getMessage(), ex);
		}
	}

	private static DockerIgnore readIgnore(Path root) {
		Scoped.Resolved found;
		try {
			found = Scoped.resolve(root, ".dockerignore", true, Scoped.Visibility.ALL);
		}
		catch (IOException ex) {
			throw new SystemException("cannot read .dockerignore: " + ex.getMessage(), ex);
		}
		if (found == null || found.path().isEmpty()) {
			return DockerIgnore.empty();
		}
		if (!found.stat().isFile()) {
			throw new InvalidParameterException("error reading .dockerignore: it is not a regular file");
		}
		return DockerIgnore.parse(read(root, found, ".dockerignore"));
	}

	private String read(Scoped.Resolved found, String what) {
		return read(this.root, found, what);
	}

	/** Reads a resolved regular file of at most {@link #MAX_FILE_BYTES}, as UTF-8 without a byte order mark. */
	private static String read(Path root, Scoped.Resolved found, String what) {
		if (found.stat().size() > MAX_FILE_BYTES) {
			throw new InvalidParameterException(what + " is larger than " + MAX_FILE_BYTES + " bytes");
		}
		byte[] bytes;
		try (InputStream in = Files.newInputStream(Scoped.host(root, found.path()), StandardOpenOption.READ,
				LinkOption.NOFOLLOW_LINKS)) {
			bytes = in.readNBytes(MAX_FILE_BYTES + 1);
		}
		catch (IOException ex) {
			throw new SystemException("cannot read " + what + ": " + ex.getMessage(), ex);
		}
		if (bytes.length > MAX_FILE_BYTES) {
			throw new InvalidParameterException(what + " is larger than " + MAX_FILE_BYTES + " bytes");
		}
		String text = new String(bytes, StandardCharsets.UTF_8);
		return text.startsWith("\uFEFF") ? text.substring(1) : text;
	}

	/** Deletes the context's directory; symlinks in it are removed, never followed. Safe to call twice. */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		deleteQuietly(this.root);
	}

	private static void deleteQuietly(Path root) {
		try {
			Trees.delete(root);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("cannot delete the build context " + root + ": " + ex.getMessage());
		}
	}

	@Override
	public String toString() {
		return "BuildContext[" + this.root + "]";
	}

}
