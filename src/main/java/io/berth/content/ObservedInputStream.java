package io.berth.content;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that shows every byte read to {@link #observe}: a hash, a copy, a limit or a progress report sees
 * the whole content, since single-byte reads and skips go through the same path and mark/reset is not offered.
 */
public abstract class ObservedInputStream extends FilterInputStream {

	private long count;

	protected ObservedInputStream(InputStream in) {
		super(in);
	}

	/** Called with each run of bytes read, and the count so far including them. */
	protected abstract void observe(byte[] b, int off, int len, long count) throws IOException;

	/** Bytes read so far. */
	public long count() {
		return this.count;
	}

	@Override
	public int read() throws IOException {
		byte[] one = new byte[1];
		int n = read(one, 0, 1);
		return (n < 0) ? -1 : (one[0] & 0xff);
	}

	@Override
	public int read(byte[] b, int off, int len) throws IOException {
		int n = this.in.read(b, off, len);
		if (n > 0) {
			this.count += n;
			observe(b, off, n, this.count);
		}
		return n;
	}

	@Override
	public long skip(long n) throws IOException {
		// Skipped bytes must be observed too, so skipping reads.
		byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 64 * 1024)];
		int r = read(buf, 0, buf.length);
		return Math.max(r, 0);
	}

	@Override
	public boolean markSupported() {
		return false;
	}

}
