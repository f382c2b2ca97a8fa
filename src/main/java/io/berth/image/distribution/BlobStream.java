package io.berth.image.distribution;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.LongConsumer;

import io.berth.content.Digest;
import io.berth.content.Sha256;
import io.berth.error.SystemException;

/**
 * A blob arriving from a registry: hashed and counted as it is read, reporting progress, and turning network
 * failures into engine errors so the layer unpacker does not mistake them for a bad layer.
 */
final class BlobStream extends FilterInputStream {

	private static final long PROGRESS_NANOS = 100_000_000L;

	private final Sha256 sha256 = Sha256.start();

	private final String what;

	private final LongConsumer progress;

	private long count;

	private long lastReport;

	private volatile boolean aborted;

	BlobStream(InputStream in, String what, LongConsumer progress) {
		super(in);
		this.what = what;
		this.progress = progress;
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		int n = read(one, 0, 1);
		return (n < 0) ? -1 : (one[0] & 0xff);
	}

	@Override
	public int read(byte[] b, int off, int len) {
		int n;
		try {
			n = super.read(b, off, len);
		}
		catch (IOException ex) {
			throw new SystemException(this.aborted ? "download of " + this.what + " cancelled"
					: "error pulling " + this.what + ": " + ex.getMessage(), ex);
		}
		if (n > 0) {
			this.sha256.update(b, off, n);
			this.count += n;
			long now = System.nanoTime();
			if (now - this.lastReport >= PROGRESS_NANOS) {
				this.lastReport = now;
				this.progress.accept(this.count);
			}
		}
		return n;
	}

	@Override
	public long skip(long n) {
		// Skipped bytes must be hashed too.
		byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 64 * 1024)];
		int r = read(buf, 0, buf.length);
		return Math.max(r, 0);
	}

	@Override
	public boolean markSupported() {
		return false;
	}

	/** Reads what the consumer left (a gzip trailer, tar padding) so the digest covers the whole blob. */
	Digest finish() {
		try {
			transferTo(OutputStream.nullOutputStream());
		}
		catch (IOException ex) {
			throw new SystemException("error pulling " + this.what + ": " + ex.getMessage(), ex);
		}
		this.progress.accept(this.count);
		return this.sha256.finish();
	}

	/**
	 * As {@link #finish()}, but reads at most up to {@code limit} bytes in all; a longer blob gets the digest of its
	 * first bytes, which cannot match.
	 */
	Digest finish(long limit) {
		byte[] buf = new byte[64 * 1024];
		while (this.count < limit) {
			int n = read(buf, 0, (int) Math.min(buf.length, limit - this.count));
			if (n < 0) {
				break;
			}
		}
		return this.sha256.finish();
	}

	long count() {
		return this.count;
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
