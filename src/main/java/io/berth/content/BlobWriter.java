package io.berth.content;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * One blob being written: bytes go to a temp file while their sha256 is computed. {@link #finish()} syncs the file and
 * fixes the digest, {@link #commit()} renames it into the store, and {@link #close()} without a commit removes it.
 */
public final class BlobWriter extends OutputStream {

	private final Path temp;

	private final Path root;

	private final FileChannel channel;

	private final Sha256 sha256 = Sha256.start();

	private long size;

	private Digest digest;

	private boolean committed;

	BlobWriter(Path temp, Path root) throws IOException {
		this.temp = temp;
		this.root = root;
		this.channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
	}

	@Override
	public void write(int b) throws IOException {
		write(new byte[] { (byte) b }, 0, 1);
	}

	@Override
	public void write(byte[] b, int off, int len) throws IOException {
		if (this.digest != null) {
			throw new IOException("blob already finished");
		}
		this.sha256.update(b, off, len);
		ByteBuffer buf = ByteBuffer.wrap(b, off, len);
		while (buf.hasRemaining()) {
			this.channel.write(buf);
		}
		this.size += len;
	}

	/** Syncs the temp file and returns the digest of everything written. */
	public Digest finish() throws IOException {
		return finish(true);
	}

	/**
	 * Returns the digest without syncing, for content whose durability is that of files written beside it without a
	 * sync either (a layer's tar and its unpacked tree): the rename still makes it appear whole or not at all to a
	 * daemon killed midway.
	 */
	public Digest finishUnsynced() throws IOException {
		return finish(false);
	}

	private Digest finish(boolean sync) throws IOException {
		if (this.digest == null) {
			if (sync) {
				this.channel.force(true);
			}
			this.channel.close();
			this.digest = this.sha256.finish();
		}
		return this.digest;
	}

	public long size() {
		return this.size;
	}

	/** Moves the finished blob into the store; an identical blob already there is kept. */
	public Digest commit() throws IOException {
		Digest d = finish();
		Path target = this.root.resolve(d.hex());
		if (Files.exists(target)) {
			Files.deleteIfExists(this.temp);
		}
		else {
			try {
				Files.move(this.temp, target, StandardCopyOption.ATOMIC_MOVE);
			}
			catch (FileAlreadyExistsException ex) {
				Files.deleteIfExists(this.temp);
			}
			syncDirectory(this.root);
		}
		this.committed = true;
		return d;
	}

	/** Removes the temp file unless the blob was committed. */
	@Override
	public void close() throws IOException {
		if (this.channel.isOpen()) {
			this.channel.close();
		}
		this.sha256.close();
		if (!this.committed) {
			Files.deleteIfExists(this.temp);
		}
	}

	/** The rename is durable only once the directory entry is on disk. */
	private static void syncDirectory(Path dir) {
		try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
			ch.force(true);
		}
		catch (IOException ex) {
			// Some filesystems refuse fsync on a directory; the rename itself has still happened.
		}
	}

}
