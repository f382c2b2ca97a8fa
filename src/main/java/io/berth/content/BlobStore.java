package io.berth.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.berth.error.NotFoundException;
import io.berth.error.SystemException;
import io.berth.paths.EnginePaths;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Content-addressed blobs in {@code blobs/sha256/<hex>}. A blob is written to a temp file in {@code tmp/}, hashed as it
 * streams, synced, and only then renamed into place, so a blob's name always matches its bytes.
 */
@Component
public class BlobStore {

	/** Temp names this store owns, and therefore may remove at start-up. */
	static final String TEMP_PREFIX = "blob-";

	private static final Log logger = LogFactory.getLog(BlobStore.class);

	private final Path root;

	private final Path tmp;

	public BlobStore(EnginePaths paths) {
		this.root = paths.blobs().resolve("sha256");
		this.tmp = paths.tmp();
		try {
			Files.createDirectories(this.root);
			// Blobs include layer tars with setuid files; host users must not reach them.
			Files.setPosixFilePermissions(this.root, PosixFilePermissions.fromString("rwx------"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create " + this.root, ex);
		}
		removeStaleTempFiles();
	}

	/** Starts writing a blob; its digest is known once the writer is finished. */
	public BlobWriter newWriter() {
		try {
			return new BlobWriter(Files.createTempFile(this.tmp, TEMP_PREFIX, ".tmp"), this.root);
		}
		catch (IOException ex) {
			throw new SystemException("cannot create a blob in " + this.tmp + ": " + ex.getMessage(), ex);
		}
	}

	/** Stores the bytes and returns their digest; storing the same content twice is harmless. */
	public Digest put(byte[] content) {
		try (BlobWriter writer = newWriter()) {
			writer.write(content);
			writer.finish();
			return writer.commit();
		}
		catch (IOException ex) {
			throw new SystemException("cannot store blob: " + ex.getMessage(), ex);
		}
	}

	public boolean contains(Digest digest) {
		return Files.isRegularFile(path(digest));
	}

	/** Where the blob lives; it may not exist. */
	public Path path(Digest digest) {
		return this.root.resolve(digest.hex());
	}

	/**
	 * Opens a blob for reading.
	 * @throws NotFoundException when the store does not hold it
	 */
	public InputStream open(Digest digest) {
		try {
			return Files.newInputStream(path(digest));
		}
		catch (NoSuchFileException ex) {
			throw new NotFoundException("blob not found: " + digest);
		}
		catch (IOException ex) {
			throw new SystemException("cannot read blob " + digest + ": " + ex.getMessage(), ex);
		}
	}

	/** Reads a whole (small) blob. */
	public byte[] read(Digest digest) {
		try (InputStream in = open(digest)) {
			return in.readAllBytes();
		}
		catch (IOException ex) {
			throw new SystemException("cannot read blob " + digest + ": " + ex.getMessage(), ex);
		}
	}

	public long size(Digest digest) {
		try {
			return Files.size(path(digest));
		}
		catch (IOException ex) {
			throw new NotFoundException("blob not found: " + digest);
		}
	}

	/** Removes a blob if present. */
	public void delete(Digest digest) {
		try {
			Files.deleteIfExists(path(digest));
		}
		catch (IOException ex) {
			throw new SystemException("cannot remove blob " + digest + ": " + ex.getMessage(), ex);
		}
	}

	/** A crash can leave half-written temp files; they are never referenced, so they go. */
	private void removeStaleTempFiles() {
		try (DirectoryStream<Path> stale = Files.newDirectoryStream(this.tmp, TEMP_PREFIX + "*")) {
			for (Path p : stale) {
				Files.deleteIfExists(p);
				logger.info("removed stale blob temp file " + p);
			}
		}
		catch (IOException ex) {
			logger.warn("cannot clean " + this.tmp + ": " + ex.getMessage());
		}
	}

}
