package io.berth.logs.view;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads the complete records of a json-file log from a byte offset. A line without its newline yet is left for a
 * later read, since the monitor may be midway through writing it.
 */
final class LogRecords {

	/** Far beyond any record the monitor writes (16 KiB of text, escaped); a longer line is damage, not a record. */
	static final int MAX_RECORD = 4 * 1024 * 1024;

	private static final int CHUNK = 64 * 1024;

	/** Sees each complete, undamaged record; returns false to stop after it. */
	interface Visitor {

		boolean visit(long start, long end, LogRecord record);

	}

	private final LongAdder bytesRead;

	LogRecords(LongAdder bytesRead) {
		this.bytesRead = bytesRead;
	}

	/**
	 * Visits the records that start at or after {@code from} and end by {@code limit}. Returns the offset just past
	 * the last record consumed, damaged ones included, which is where the next read should start.
	 */
	long scan(FileChannel channel, long from, long limit, Visitor visitor) throws IOException {
		LogRecord record = new LogRecord();
		byte[] buf = new byte[(int) Math.max(256, Math.min(CHUNK, limit - from))];
		long bufStart = from;
		long readAt = from;
		int filled = 0;
		int searched = 0;
		boolean skipping = false;
		long skippedStart = from;
		while (readAt < limit) {
			if (filled == buf.length) {
				if (buf.length >= MAX_RECORD) {
					skipping = true;
					skippedStart = bufStart;
					bufStart += filled;
					filled = 0;
					searched = 0;
				}
				else {
					buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_RECORD));
				}
			}
			int n = channel.read(ByteBuffer.wrap(buf, filled, (int) Math.min(buf.length - filled, limit - readAt)),
					readAt);
			if (n <= 0) {
				break;
			}
			this.bytesRead.add(n);
			readAt += n;
			filled += n;
			int p = 0;
			while (true) {
				int newline = indexOf(buf, (byte) '\n', searched, filled);
				if (newline < 0) {
					searched = filled;
					break;
				}
				searched = newline + 1;
				if (skipping) {
					skipping = false;
				}
				else if (record.decode(buf, p, newline) && !visitor.visit(bufStart + p, bufStart + newline + 1, record)) {
					return bufStart + newline + 1;
				}
				p = newline + 1;
			}
			if (skipping) {
				bufStart += filled;
				filled = 0;
				searched = 0;
			}
			else if (p > 0) {
				System.arraycopy(buf, p, buf, 0, filled - p);
				bufStart += p;
				filled -= p;
				searched -= p;
			}
		}
		return skipping ? skippedStart : bufStart;
	}

	private static int indexOf(byte[] b, byte c, int from, int to) {
		for (int i = from; i < to; i++) {
			if (b[i] == c) {
				return i;
			}
		}
		return -1;
	}

}
