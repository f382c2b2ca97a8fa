package io.berth.image.layer;

import java.io.IOException;
import java.nio.file.Path;

import io.berth.content.BlobWriter;
import io.berth.content.Digest;

/**
 * A layer unpacked into a temp directory and not yet installed: nothing of it is visible in the stores until
 * {@link LayerStore#install}. Closing it without installing removes the temp directory and the temp tar blob.
 */
public final class PendingLayer implements AutoCloseable {

	private final Digest diffId;

	private final long size;

	private final Path directory;

	private final BlobWriter tar;

	private boolean installed;

	PendingLayer(Digest diffId, long size, Path directory, BlobWriter tar) {
		this.diffId = diffId;
		this.size = size;
		this.directory = directory;
		this.tar = tar;
	}

	/** The sha256 of the uncompressed tar. */
	public Digest diffId() {
		return this.diffId;
	}

	/** Bytes of file content. */
	public long size() {
		return this.size;
	}

	/** Bytes of the uncompressed tar. */
	public long tarSize() {
		return this.tar.size();
	}

	Path directory() {
		return this.directory;
	}

	BlobWriter tar() {
		return this.tar;
	}

	boolean installed() {
		return this.installed;
	}

	void markInstalled() {
		this.installed = true;
	}

	@Override
	public void close() {
		try {
			this.tar.close();
			if (!this.installed) {
				LayerUnpacker.deleteTree(this.directory);
			}
		}
		catch (IOException ex) {
			// The directory is under tmp/ with the img- prefix, so the next start removes what is left.
		}
	}

}
