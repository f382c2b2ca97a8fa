package io.berth.image.layer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.berth.content.BlobStore;
import io.berth.content.BlobWriter;
import io.berth.content.Digest;
import io.berth.content.ObservedInputStream;
import io.berth.error.EngineException;
import io.berth.error.SystemException;
import io.berth.paths.EnginePaths;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Unpacked layers in {@code layers/sha256/<diff-id hex>}, each beside its uncompressed tar in the blob store (kept so
 * {@code docker save} writes back the exact bytes the diff ID names). A layer is unpacked into {@code tmp/} and
 * renamed into place; callers install layers and write rows under their own lock and transaction.
 */
@Component
public class LayerStore {

	/** Temp names the image feature owns, and therefore removes at start-up. */
	public static final String TEMP_PREFIX = "img-";

	private static final Log logger = LogFactory.getLog(LayerStore.class);

	/** Bytes a tar may carry after its end-of-archive marker (block padding) before it counts as hostile. */
	private static final long TRAILER_SLACK = 1 << 20;

	private final Path root;

	private final Path tmp;

	private final BlobStore blobs;

	private final LayerRepository repository;

	LayerStore(EnginePaths paths, BlobStore blobs, LayerRepository repository) {
		this.root = paths.layers().resolve("sha256");
		this.tmp = paths.tmp();
		this.blobs = blobs;
		this.repository = repository;
		try {
			Files.createDirectories(this.root);
			// Layers hold setuid binaries; host users must not reach them (security.md §2 rule 6).
			Files.setPosixFilePermissions(this.root, PosixFilePermissions.fromString("rwx------"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create " + this.root, ex);
		}
		removeStaleTemps();
		removeUnrecordedLayers();
	}

	/**
	 * Unpacks a layer tar (plain, gzip or bzip2, told apart by magic bytes) into a temp directory while computing its
	 * diff ID and keeping the uncompressed tar as a temp blob.
	 * @throws InvalidLayerException when an entry is refused or the layer is larger than {@code maxSize}
	 */
	public PendingLayer unpack(InputStream source, long maxSize) {
		return unpack(this.tmp, this.blobs, source, maxSize);
	}

	static PendingLayer unpack(Path tmp, BlobStore blobs, InputStream source, long maxSize) {
		Path dir;
		try {
			dir = Files.createTempDirectory(tmp, TEMP_PREFIX + "layer-");
		}
		catch (IOException ex) {
			throw new SystemException("cannot create a temp directory in " + tmp + ": " + ex.getMessage(), ex);
		}
		BlobWriter tar = blobs.newWriter();
		try {
			Bounded tee = new Bounded(Compression.decompress(source), tar, maxSize + TRAILER_SLACK);
			LayerUnpacker unpacker = new LayerUnpacker(dir, maxSize);
			unpacker.unpack(tee);
			// The diff ID covers every byte of the stream, including the padding after the end-of-archive blocks.
			tee.transferTo(OutputStream.nullOutputStream());
			// Not synced: the unpacked files beside it are not either, as with dockerd's overlay2 layers.
			Digest diffId = tar.finishUnsynced();
			return new PendingLayer(diffId, unpacker.contentSize(), dir, tar);
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(tar);
			deleteQuietly(dir);
			throw translate(ex);
		}
	}

	/**
	 * Makes a pending layer part of the store: its tar blob is committed and its directory renamed into place, unless
	 * the same layer is already there. Call with the image store's lock held, then {@link #record} in the transaction.
	 */
	public void install(PendingLayer layer) {
		try {
			layer.tar().commit();
			Path target = directory(layer.diffId());
			if (Files.isDirectory(target)) {
				LayerUnpacker.deleteTree(layer.directory());
			}
			else {
				Files.move(layer.directory(), target, StandardCopyOption.ATOMIC_MOVE);
			}
			layer.markInstalled();
		}
		catch (IOException ex) {
			throw new SystemException("cannot install layer " + layer.diffId() + ": " + ex.getMessage(), ex);
		}
	}

	/** Writes the layer's row if it has none; call inside the transaction that registers the image. */
	public void record(PendingLayer layer) {
		if (!this.repository.existsById(layer.diffId().value())) {
			this.repository.save(new Layer(layer.diffId().value(), layer.size(), layer.tarSize(), Instant.now()));
		}
	}

	/** Whether the layer is stored: it has a row and its directory exists. */
	public boolean contains(Digest diffId) {
		return this.repository.existsById(diffId.value()) && Files.isDirectory(directory(diffId));
	}

	public Optional<Layer> find(Digest diffId) {
		return this.repository.findById(diffId.value());
	}

	/** The unpacked layer, ready to be an overlay lowerdir. */
	public Path directory(Digest diffId) {
		return this.root.resolve(diffId.hex());
	}

	/**
	 * Opens the layer's uncompressed tar, whose sha256 is the diff ID.
	 * @throws io.berth.error.NotFoundException when the tar is not stored
	 */
	public InputStream openTar(Digest diffId) {
		return this.blobs.open(diffId);
	}

	public long tarSize(Digest diffId) {
		return this.blobs.size(diffId);
	}

	/** Deletes the row of a layer no image lists any more; call inside the removing transaction. */
	public void forget(Digest diffId) {
		this.repository.deleteById(diffId.value());
	}

	/**
	 * Removes a forgotten layer's directory and tar, after its row is gone: it is renamed out of the store first, so
	 * a crash midway leaves only a temp directory that the next start removes.
	 */
	public void delete(Digest diffId) {
		Path dir = directory(diffId);
		try {
			if (Files.isDirectory(dir)) {
				Path trash = Files.createTempDirectory(this.tmp, TEMP_PREFIX + "rm-");
				Path moved = trash.resolve("layer");
				Files.move(dir, moved, StandardCopyOption.ATOMIC_MOVE);
				LayerUnpacker.deleteTree(trash);
			}
			this.blobs.delete(diffId);
		}
		catch (IOException ex) {
			logger.warn("cannot remove layer " + diffId + ": " + ex.getMessage());
		}
	}

	/** Removes directories that a failed registration installed but no row records. */
	public void deleteIfUnrecorded(List<Digest> diffIds) {
		for (Digest d : diffIds) {
			if (!this.repository.existsById(d.value())) {
				delete(d);
			}
		}
	}

	private void removeStaleTemps() {
		try (DirectoryStream<Path> stale = Files.newDirectoryStream(this.tmp, TEMP_PREFIX + "*")) {
			for (Path p : stale) {
				LayerUnpacker.deleteTree(p);
				logger.info("removed stale image temp entry " + p);
			}
		}
		catch (IOException ex) {
			logger.warn("cannot clean " + this.tmp + ": " + ex.getMessage());
		}
	}

	/** A crash between renaming a layer into place and committing its row leaves a directory no image uses. */
	private void removeUnrecordedLayers() {
		Set<String> recorded = new HashSet<>();
		this.repository.findAll().forEach((l) -> recorded.add(l.diffId()));
		try (DirectoryStream<Path> dirs = Files.newDirectoryStream(this.root)) {
			for (Path dir : dirs) {
				String name = dir.getFileName().toString();
				if (name.matches("[a-f0-9]{64}") && !recorded.contains("sha256:" + name)) {
					logger.info("removing unrecorded layer " + name);
					delete(Digest.ofHex(name));
				}
			}
		}
		catch (IOException ex) {
			logger.warn("cannot scan " + this.root + ": " + ex.getMessage());
		}
	}

	private static EngineException translate(Exception ex) {
		if (ex instanceof EngineException e) {
			return e;
		}
		if (ex instanceof FileSystemException fs) {
			return new SystemException("cannot unpack layer: " + fs.getMessage(), fs);
		}
		return new InvalidLayerException("invalid layer: " + ex.getMessage());
	}

	private static void closeQuietly(BlobWriter w) {
		try {
			w.close();
		}
		catch (IOException ex) {
			// Left under tmp/ with the blob- prefix, which the next start removes.
		}
	}

	private static void deleteQuietly(Path dir) {
		try {
			LayerUnpacker.deleteTree(dir);
		}
		catch (IOException ex) {
			logger.warn("cannot remove " + dir + ": " + ex.getMessage());
		}
	}

	/** Copies what is read into the tar blob and stops a stream that runs past the limit. */
	private static final class Bounded extends ObservedInputStream {

		private final BlobWriter copy;

		private final long limit;

		Bounded(InputStream in, BlobWriter copy, long limit) {
			super(in);
			this.copy = copy;
			this.limit = limit;
		}

		@Override
		protected void observe(byte[] b, int off, int len, long count) throws IOException {
			if (count > this.limit) {
				throw new InvalidLayerException("invalid layer: uncompressed stream exceeds " + this.limit + " bytes");
			}
			this.copy.write(b, off, len);
		}

	}

}
