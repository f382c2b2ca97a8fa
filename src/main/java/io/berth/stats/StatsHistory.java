package io.berth.stats;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Each container's recent stats, one point per {@link StatsProperties#resolution()} bucket over
 * {@link StatsProperties#history()}. The one-second points are folded into the current bucket as they come (CPU and
 * rates averaged; memory, its limit and pids the last value) and the bucket is closed when a point of a later bucket
 * arrives. A point earlier than the current bucket is ignored.
 * <p>
 * Storage is a ring of primitive arrays per container, 32 bytes a bucket: CPU, memory, limit and the four rates as
 * {@code float} (24 bits of precision: memory within 0.00001 %, exact up to 16 MiB, plenty for a chart) and pids as
 * {@code int}. A bucket's start is implied by its slot, so no timestamp is stored. At the defaults (8640 buckets) a
 * container that has run a day takes about 270 KiB, 50 of them about 13.2 MiB; rings start at 64 buckets and double
 * as the container's history grows, so short-lived containers cost little. Thread-safe: each ring is locked while
 * read or written.
 */
@Component
public class StatsHistory {

	/** The first allocation of a ring: ten minutes at the default resolution. */
	static final int INITIAL_SLOTS = 64;

	private final long resolutionMillis;

	private final int slots;

	private final Clock clock;

	private final Map<String, Ring> rings = new ConcurrentHashMap<>();

	@Autowired
	public StatsHistory(StatsProperties properties) {
		this(properties, Clock.systemUTC());
	}

	/** @param clock for retention: buckets older than the history before now (or the newest point) are dropped */
	public StatsHistory(StatsProperties properties, Clock clock) {
		this.resolutionMillis = properties.resolution().toMillis();
		this.slots = properties.slots();
		this.clock = clock;
	}

	/** Folds a point into the container's current bucket, first closing that bucket if the point is past it. */
	public void add(String id, StatsPoint point) {
		Ring ring = this.rings.computeIfAbsent(id, (k) -> new Ring());
		synchronized (ring) {
			ring.add(point);
		}
	}

	/**
	 * The container's buckets within the history, oldest first, the current (partial) one last; each point's
	 * {@code t} is its bucket's start. Empty for a container with none.
	 */
	public List<StatsPoint> points(String id) {
		Ring ring = this.rings.get(id);
		if (ring == null) {
			return List.of();
		}
		long now = this.clock.millis();
		synchronized (ring) {
			return ring.points(now);
		}
	}

	/** The containers with a history. */
	public java.util.Set<String> ids() {
		return java.util.Set.copyOf(this.rings.keySet());
	}

	/** Forgets the container's history. */
	public void remove(String id) {
		this.rings.remove(id);
	}

	/**
	 * Frees the rings whose newest bucket has left the history: containers that stopped long ago and were never
	 * removed, or that were removed while a point for them was being added.
	 */
	public void prune() {
		long now = this.clock.millis();
		this.rings.forEach((id, ring) -> {
			boolean stale;
			synchronized (ring) {
				stale = ring.isStale(now);
			}
			if (stale) {
				this.rings.remove(id, ring);
			}
		});
	}

	/** Roughly the bytes the rings take on the heap, for tests and diagnostics. */
	long footprint() {
		long bytes = 0;
		for (Ring ring : this.rings.values()) {
			synchronized (ring) {
				bytes += ring.footprint();
			}
		}
		return bytes;
	}

	private long bucketOf(long millis) {
		return Math.floorDiv(millis, this.resolutionMillis);
	}

	/**
	 * One container's buckets. Bucket {@code b} lives in slot {@code b mod capacity}; the buckets held are
	 * {@code [oldest, newest]}, and a slot whose CPU is NaN had no point (the container was paused or not sampled).
	 */
	private final class Ring {

		private static final int CPU = 0;

		private static final int MEM = 1;

		private static final int MEM_LIMIT = 2;

		private static final int RX = 3;

		private static final int TX = 4;

		private static final int BLK_READ = 5;

		private static final int BLK_WRITE = 6;

		/** The float columns, indexed by the constants above, then by slot. */
		private float[][] columns = new float[7][0];

		private int[] pids = new int[0];

		private long newest = Long.MIN_VALUE;

		private long oldest = Long.MIN_VALUE;

		/** The current bucket's sums, for the running averages. */
		private int count;

		private final double[] sums = new double[5];

		void add(StatsPoint p) {
			long b = bucketOf(p.t());
			if (this.newest == Long.MIN_VALUE) {
				int capacity = Math.min(StatsHistory.this.slots, INITIAL_SLOTS);
				this.columns = columns(capacity);
				this.pids = new int[capacity];
				this.newest = b;
				this.oldest = b;
			}
			else if (b < this.newest) {
				return;
			}
			else if (b > this.newest) {
				advance(b);
			}
			int i = slot(b);
			this.count++;
			average(i, CPU, 0, p.cpu());
			average(i, RX, 1, p.rx());
			average(i, TX, 2, p.tx());
			average(i, BLK_READ, 3, p.blkRead());
			average(i, BLK_WRITE, 4, p.blkWrite());
			this.columns[MEM][i] = p.mem();
			this.columns[MEM_LIMIT][i] = p.memLimit();
			this.pids[i] = (int) Math.min(p.pids(), Integer.MAX_VALUE);
		}

		private void average(int slot, int column, int sum, double value) {
			this.sums[sum] += Double.isFinite(value) ? value : 0;
			this.columns[column][slot] = (float) (this.sums[sum] / this.count);
		}

		/** Closes the current bucket and opens {@code b}, growing the ring if the kept span no longer fits. */
		private void advance(long b) {
			long keepFrom = Math.max(this.oldest, b - StatsHistory.this.slots + 1);
			if (keepFrom > this.newest) {
				// Nothing recent enough to keep; stale slots are cleared below as their buckets come round.
				keepFrom = b;
			}
			long span = b - keepFrom + 1;
			if (span > capacity()) {
				grow((int) Math.min(StatsHistory.this.slots, Math.max(2L * capacity(), span)), keepFrom);
			}
			for (long x = Math.max(this.newest + 1, b - capacity() + 1); x <= b; x++) {
				this.columns[CPU][slot(x)] = Float.NaN;
			}
			this.oldest = keepFrom;
			this.newest = b;
			this.count = 0;
			Arrays.fill(this.sums, 0);
		}

		private void grow(int capacity, long keepFrom) {
			float[][] oldColumns = this.columns;
			int[] oldPids = this.pids;
			int oldCapacity = capacity();
			this.columns = columns(capacity);
			this.pids = new int[capacity];
			for (long x = keepFrom; x <= this.newest; x++) {
				int from = (int) Math.floorMod(x, (long) oldCapacity);
				int to = slot(x);
				for (int c = 0; c < this.columns.length; c++) {
					this.columns[c][to] = oldColumns[c][from];
				}
				this.pids[to] = oldPids[from];
			}
		}

		private static float[][] columns(int capacity) {
			float[][] columns = new float[7][capacity];
			Arrays.fill(columns[CPU], Float.NaN);
			return columns;
		}

		List<StatsPoint> points(long now) {
			if (this.newest == Long.MIN_VALUE) {
				return List.of();
			}
			long from = Math.max(this.oldest, windowStart(now));
			List<StatsPoint> out = new ArrayList<>((int) Math.max(0, this.newest - from + 1));
			float[][] c = this.columns;
			for (long x = from; x <= this.newest; x++) {
				int i = slot(x);
				if (!Float.isNaN(c[CPU][i])) {
					// Every float above 2^24 is a whole number, and every one below came from one: the cast is exact.
					out.add(new StatsPoint(x * StatsHistory.this.resolutionMillis, c[CPU][i], (long) c[MEM][i],
							(long) c[MEM_LIMIT][i], c[RX][i], c[TX][i], c[BLK_READ][i], c[BLK_WRITE][i],
							this.pids[i]));
				}
			}
			return out;
		}

		/** The first bucket still within the history, counting back from now or the newest point if that is later. */
		private long windowStart(long now) {
			return Math.max(bucketOf(now), this.newest) - StatsHistory.this.slots + 1;
		}

		boolean isStale(long now) {
			return this.newest != Long.MIN_VALUE && this.newest < windowStart(now);
		}

		long footprint() {
			// Eight arrays of four-byte elements with 16-byte headers, the column table and the ring's own fields.
			return 8L * (16 + 4L * capacity()) + 16 + 7 * 4 + 16 + 5 * 8 + 64;
		}

		private int capacity() {
			return this.pids.length;
		}

		private int slot(long bucket) {
			return (int) Math.floorMod(bucket, (long) capacity());
		}

	}

}
