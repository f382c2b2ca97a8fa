package io.berth.image.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

import io.berth.content.Digest;
import io.berth.content.ObservedInputStream;
import io.berth.content.Sha256;
import io.berth.error.SystemException;

/**
 * A blob arriving from a registry: hashed and counted as it is read, reporting progress, and turning network
 * failures into engine errors so the layer unpacker does not mistake them for a bad layer.
 */
final class BlobStream extends ObservedInputStream {

	private static final long PROGRESS_NANOS = 100_000_000L;

	private final Sha256 sha256 = Sha256.start();

	private final String what;

	private final LongConsumer progress;

	private long lastReport;

	private volatile boolean aborted;

	BlobStream(InputStream in, String what, LongConsumer progress) {
		super(in);
		this.what = what;
		this.progress = progress;
	}

	@Override
	public int read(byte[] b, int off, int len) {
		try {
			return super.read(b, off, len);
		}
		catch (IOException ex) {
			throw new SystemException(this.aborted ? "download of " + this.what + " cancelled"
					: "error pulling " + this.what + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	protected void observe(byte[] b, int off, int len, long count) {
		this.sha256.update(b, off, len);
		long now = System.nanoTime();
		if (now - this.lastReport >= PROGRESS_NANOS) {
			this.lastReport = now;
			this.progress.accept(count);
		}
	}

	/** Reads what the consumer left (a gzip trailer, tar padding) so the digest covers the whole blob. */
	Digest finish() {
		try {
			transferTo(OutputStream.nullOutputStream());
		}
		catch (IOException ex) {
			throw new SystemException("error pulling " + this.what + ": " + ex.getMessage(), ex);
		}
		this.progress.accept(count());
		return this.sha256.finish();
	}

	/**
	 * As {@link #finish()}, but reads at most up to {@code limit} bytes in all; a longer blob gets the digest of its
	 * first bytes, which cannot match.
	 */
	Digest finish(long limit) {
		byte[] buf = new byte[64 * 1024];
		while (count() < limit) {
			int n = read(buf, 0, (int) Math.min(buf.length, limit - count()));
			if (n < 0) {
				break;
			}
		}
		return this.sha256.finish();
	}

	/** Closes the connection from another thread, so a sibling's failure stops this download at once. */
	void abort() {
		this.aborted = true;
		try {
			close();
		}
		catch (IOException ex) {
			// Closing is all we can do.
		}
	}

}
