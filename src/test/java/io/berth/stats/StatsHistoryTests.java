package io.berth.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Bucketing, the ring and retention of {@link StatsHistory}, on a clock the test moves. */
class StatsHistoryTests {

	/** A round epoch second, so that bucket starts are easy to read. */
	private static final long T0 = 1_800_000_000_000L;

	private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(T0));

	private StatsHistory history(Duration history, Duration resolution) {
		return new StatsHistory(new StatsProperties(history, resolution), this.clock);
	}

	@Test
	void addAveragesCpuAndRatesAndKeepsLastMemoryInThePartialBucket() {
		StatsHistory h = history(Duration.ofMinutes(1), Duration.ofSeconds(10));
		h.add("c", point(T0 + 1000, 10, 100, 5));
		h.add("c", point(T0 + 2000, 20, 300, 7));
		h.add("c", point(T0 + 9999, 60, 200, 6));
		assertThat(h.points("c")).containsExactly(new StatsPoint(T0, 30, 200, 1000, 300, 150, 60, 30, 6));
		assertThat(h.points("other")).isEmpty();
	}

	@Test
	void addClosesTheBucketWhenTimeMovesPastIt() {
		StatsHistory h = history(Duration.ofMinutes(1), Duration.ofSeconds(10));
		h.add("c", point(T0 + 1000, 10, 100, 5));
		h.add("c", point(T0 + 5000, 30, 100, 5));
		h.add("c", point(T0 + 10_000, 50, 400, 9));
		h.add("c", point(T0 + 11_000, 70, 500, 9));
		List<StatsPoint> points = h.points("c");
		assertThat(points).extracting(StatsPoint::t).containsExactly(T0, T0 + 10_000);
		assertThat(points).extracting(StatsPoint::cpu).containsExactly(20.0, 60.0);
		assertThat(points).extracting(StatsPoint::mem).containsExactly(100L, 500L);
		// A late point of a closed bucket changes nothing.
		h.add("c", point(T0 + 9000, 99, 1, 1));
		assertThat(h.points("c")).isEqualTo(points);
	}

	@Test
	void ringKeepsOnlyTheHistoryOldestFirstWhenItWraps() {
		StatsHistory h = history(Duration.ofSeconds(60), Duration.ofSeconds(10));
		for (int i = 0; i < 20; i++) {
			h.add("c", point(T0 + i * 10_000L, i, i, i));
		}
		this.clock.set(Instant.ofEpochMilli(T0 + 195_000));
		List<StatsPoint> points = h.points("c");
		assertThat(points).extracting(StatsPoint::cpu).containsExactly(14.0, 15.0, 16.0, 17.0, 18.0, 19.0);
		assertThat(points).extracting(StatsPoint::t).startsWith(T0 + 140_000).endsWith(T0 + 190_000);
	}

	@Test
	void ringGrowsPastItsFirstAllocationAndWrapsAtFullSize() {
		// 300 one-second buckets: the ring starts at 64 and doubles to 128, 256, then 300.
		StatsHistory h = history(Duration.ofSeconds(300), Duration.ofSeconds(1));
		for (int i = 0; i < 1000; i++) {
			h.add("c", point(T0 + i * 1000L, i, i * 1024L, i));
			if (i == 100) {
				assertThat(h.points("c")).hasSize(101).extracting(StatsPoint::pids).startsWith(0L).endsWith(100L);
			}
		}
		this.clock.set(Instant.ofEpochMilli(T0 + 999_500));
		List<StatsPoint> points = h.points("c");
		assertThat(points).hasSize(300);
		for (int k = 0; k < 300; k++) {
			int i = 700 + k;
			assertThat(points.get(k)).isEqualTo(new StatsPoint(T0 + i * 1000L, i, i * 1024L, 1000, i * 10.0, i * 5.0,
					i * 2.0, i, i));
		}
		assertThat(h.footprint()).isLessThan(300 * 32 + 1024);
	}

	@Test
	void pointsLeaveOutBucketsWithoutSamples() {
		StatsHistory h = history(Duration.ofMinutes(1), Duration.ofSeconds(10));
		h.add("c", point(T0, 1, 1, 1));
		h.add("c", point(T0 + 30_000, 4, 1, 1));
		h.add("c", point(T0 + 40_000, 5, 1, 1));
		assertThat(h.points("c")).extracting(StatsPoint::t).containsExactly(T0, T0 + 30_000, T0 + 40_000);
		// A gap longer than the history leaves only what came after it, even where old slots come round again.
		h.add("c", point(T0 + 200_000, 20, 1, 1));
		h.add("c", point(T0 + 230_000, 23, 1, 1));
		this.clock.set(Instant.ofEpochMilli(T0 + 230_000));
		assertThat(h.points("c")).extracting(StatsPoint::cpu).containsExactly(20.0, 23.0);
	}

	@Test
	void pointsOlderThanTheHistoryDropOffAsTimePassesAndPruneFreesThem() {
		StatsHistory h = history(Duration.ofMinutes(1), Duration.ofSeconds(10));
		for (int i = 0; i < 6; i++) {
			h.add("c", point(T0 + i * 10_000L, i, 1, 1));
		}
		h.add("d", point(T0 + 200_000, 1, 1, 1));
		this.clock.set(Instant.ofEpochMilli(T0 + 80_000));
		assertThat(h.points("c")).extracting(StatsPoint::cpu).containsExactly(3.0, 4.0, 5.0);
		h.prune();
		assertThat(h.points("c")).hasSize(3);
		this.clock.set(Instant.ofEpochMilli(T0 + 120_000));
		assertThat(h.points("c")).isEmpty();
		long before = h.footprint();
		h.prune();
		assertThat(h.footprint()).isLessThan(before);
		// A clock behind the points does not hide them: the history counts back from the newest point.
		assertThat(h.points("d")).hasSize(1);
	}

	@Test
	void removeForgetsTheContainer() {
		StatsHistory h = history(Duration.ofMinutes(1), Duration.ofSeconds(10));
		h.add("c", point(T0, 1, 1, 1));
		h.remove("c");
		assertThat(h.points("c")).isEmpty();
		assertThat(h.footprint()).isZero();
	}

	@Test
	void fiftyContainersAtTheDefaultsStayUnderFifteenMegabytes() {
		StatsHistory h = new StatsHistory(StatsProperties.defaults(), this.clock);
		for (int c = 0; c < 50; c++) {
			for (int i = 0; i < 9000; i++) {
				h.add("c" + c, point(T0 + i * 10_000L, 1, 1, 1));
			}
		}
		assertThat(h.points("c0")).hasSize(8640);
		// 8640 buckets × 32 bytes × 50 = 13.8 MB.
		assertThat(h.footprint()).isBetween(13_000_000L, 15_000_000L);
	}

	@Test
	void concurrentWritersAndReadersSeeConsistentPoints() throws Exception {
		StatsHistory h = history(Duration.ofSeconds(100), Duration.ofSeconds(1));
		ExecutorService pool = Executors.newFixedThreadPool(8);
		CountDownLatch go = new CountDownLatch(1);
		List<Future<?>> done = new ArrayList<>();
		try {
			for (int w = 0; w < 4; w++) {
				String id = "c" + w;
				done.add(pool.submit(() -> {
					go.await();
					for (int i = 0; i < 5000; i++) {
						h.add(id, point(T0 + i * 100L, 50, 4096, 3));
					}
					return null;
				}));
			}
			for (int r = 0; r < 4; r++) {
				String id = "c" + r;
				done.add(pool.submit(() -> {
					go.await();
					for (int i = 0; i < 2000; i++) {
						for (StatsPoint p : h.points(id)) {
							assertThat(p.cpu()).isEqualTo(50.0);
							assertThat(p.mem()).isEqualTo(4096);
						}
						if (i % 500 == 0) {
							h.prune();
						}
					}
					return null;
				}));
			}
			go.countDown();
			for (Future<?> f : done) {
				f.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		this.clock.set(Instant.ofEpochMilli(T0 + 499_950));
		for (int w = 0; w < 4; w++) {
			// 5000 points, ten a second: 500 buckets of which the last 100 are kept.
			assertThat(h.points("c" + w)).hasSize(100).allMatch((p) -> p.cpu() == 50.0);
		}
	}

	/** A point whose rates are derived from cpu so that averages are easy to check. */
	private static StatsPoint point(long t, double cpu, long mem, long pids) {
		return new StatsPoint(t, cpu, mem, 1000, cpu * 10, cpu * 5, cpu * 2, cpu, pids);
	}

}
