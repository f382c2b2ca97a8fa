package io.berth.logs.view;

import java.util.Arrays;
import java.util.Objects;

/**
 * A sparse index of one log file under one filter: the byte offset of every {@code spacing}-th record that passes the
 * filter, and how far into the file it reaches. Logs are append-only, so it only ever grows from {@link #scanned};
 * a file that got shorter or is another file now (a new inode) starts it over. Guarded by its own monitor.
 */
final class LogIndex {

	private final int spacing;

	private Object fileKey;

	private long scanned;

	private long total;

	private long[] checkpoints = new long[16];

	private int checkpointCount;

	LogIndex(int spacing) {
		this.spacing = spacing;
	}

	/** Whether the index describes the file with this key and size, so extending it from {@link #scanned} is right. */
	boolean isFor(Object fileKey, long size) {
		return Objects.equals(this.fileKey, fileKey) && size >= this.scanned;
	}

	Object fileKey() {
		return this.fileKey;
	}

	void reset(Object fileKey) {
		this.fileKey = fileKey;
		this.scanned = 0;
		this.total = 0;
		this.checkpointCount = 0;
	}

	/** Records a passing record that starts at {@code start} and ends at {@code end}. */
	void addMatch(long start, long end) {
		if (this.total % this.spacing == 0) {
			if (this.checkpointCount == this.checkpoints.length) {
				this.checkpoints = Arrays.copyOf(this.checkpoints, this.checkpointCount * 2);
			}
			this.checkpoints[this.checkpointCount++] = start;
		}
		this.total++;
		this.scanned = end;
	}

	/** Moves past records that did not pass, or past the damaged ones before {@code end}. */
	void skipTo(long end) {
		this.scanned = end;
	}

	long scanned() {
		return this.scanned;
	}

	long total() {
		return this.total;
	}

	int checkpointCount() {
		return this.checkpointCount;
	}

	int spacing() {
		return this.spacing;
	}

	/** The offset of the record that passes the filter with index {@code n} or, for checkpointed ones, before. */
	long checkpointBefore(long n) {
		return this.checkpoints[(int) (n / this.spacing)];
	}

	/** The index of the record at {@link #checkpointBefore(long)}. */
	long checkpointedIndexBefore(long n) {
		return (n / this.spacing) * this.spacing;
	}

}
