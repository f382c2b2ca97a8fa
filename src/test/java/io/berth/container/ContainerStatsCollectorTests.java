package io.berth.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.berth.events.EngineEvent;
import io.berth.stats.CgroupFixtures;
import io.berth.stats.MutableClock;
import io.berth.stats.StatsHistory;
import io.berth.stats.StatsPoint;
import io.berth.stats.StatsProperties;
import io.berth.stats.StatsReader;
import io.berth.stats.StatsSample;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The collector driven tick by tick on v1 fixture cgroup trees, one per fake container, with a clock the test moves:
 * each tick is one second in which every container uses half a core of the host's two.
 */
class ContainerStatsCollectorTests {

	private static final List<String> CONTROLLERS = List.of("memory", "cpuacct", "cpu", "pids", "blkio");

	private static final Duration RESOLUTION = Duration.ofSeconds(10);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T06:16:20Z"));

	@TempDir
	Path temp;

	private Path cgroup;

	private CountingReader reader;

	private StatsHistory history;

	private final List<ContainerStatsCollector.Target> targets = new CopyOnWriteArrayList<>();

	private ContainerStatsCollector collector;

	private long hostTicks;

	private long cpuNanos;

	@BeforeEach
	void fixtures() throws IOException {
		this.cgroup = CgroupFixtures.v1(this.temp);
		this.reader = new CountingReader(this.cgroup, this.temp.resolve("proc"), this.clock);
		this.history = new StatsHistory(new StatsProperties(Duration.ofHours(1), RESOLUTION), this.clock);
		this.collector = new ContainerStatsCollector(this.reader, this.history, RESOLUTION, () -> this.targets);
	}

	@Test
	void tickSamplesAWatchedContainerEverySecondAndTheOthersOncePerResolution() throws IOException {
		containers("aaa", "bbb");
		List<StatsPoint> seen = new ArrayList<>();
		this.collector.subscribe("aaa", seen::add);
		ticks(30);
		assertThat(this.reader.reads("aaa")).isEqualTo(30);
		// The first tick is a baseline only; every later one gives a point of half a core.
		assertThat(seen).hasSize(29).allSatisfy((p) -> assertThat(p.cpu()).isCloseTo(50.0, within(1e-6)));
		assertThat(seen.get(0).mem()).isEqualTo(532480 - 4096);
		// A baseline, a second sample within the resolution, then one per resolution.
		assertThat(this.reader.reads("bbb")).isBetween(3, 5);
		assertThat(this.collector.history("bbb")).isNotEmpty()
			.allSatisfy((p) -> assertThat(p.cpu()).isCloseTo(50.0, within(1e-3)));
		// The watched container's history has every second folded in: three buckets over 29 points.
		assertThat(this.collector.history("aaa")).hasSizeBetween(3, 4);
	}

	@Test
	void subscribeAllSamplesEveryContainerEverySecondUntilClosed() throws IOException {
		containers("aaa", "bbb");
		Map<String, AtomicInteger> points = new ConcurrentHashMap<>();
		ContainerStatsCollector.Subscription all = this.collector
			.subscribeAll((id, p) -> points.computeIfAbsent(id, (k) -> new AtomicInteger()).incrementAndGet());
		ticks(3);
		assertThat(points).containsOnlyKeys("aaa", "bbb");
		assertThat(points.get("aaa")).hasValue(2);
		assertThat(points.get("bbb")).hasValue(2);
		all.close();
		all.close();
		int before = this.reader.reads("aaa");
		tick();
		assertThat(this.reader.reads("aaa") - before).isLessThanOrEqualTo(1);
		assertThat(points.get("aaa")).hasValue(2);
	}

	@Test
	void closedSubscriptionStopsDeliveryAndEverySecondSampling() throws IOException {
		containers("aaa");
		List<StatsPoint> seen = new ArrayList<>();
		AutoCloseable s = this.collector.subscribe("aaa", seen::add);
		ticks(3);
		assertThat(seen).hasSize(2);
		((ContainerStatsCollector.Subscription) s).close();
		ticks(2);
		assertThat(seen).hasSize(2);
	}

	@Test
	void listenerThatThrowsIsLoggedAndTheOthersAreStillCalled() throws IOException {
		containers("aaa", "bbb");
		List<StatsPoint> seen = new ArrayList<>();
		this.collector.subscribe("aaa", (p) -> {
			throw new IllegalStateException("client went away");
		});
		this.collector.subscribeAll((id, p) -> {
			throw new IllegalStateException("so did this one");
		});
		this.collector.subscribe("aaa", seen::add);
		ticks(3);
		assertThat(seen).hasSize(2);
		assertThat(this.collector.history("bbb")).isNotEmpty();
	}

	@Test
	void containerWhoseCgroupVanishedIsSkippedQuietly() throws IOException {
		containers("aaa", "bbb");
		this.targets.add(new ContainerStatsCollector.Target("gone", "/berth/gone", CgroupFixtures.PID));
		List<String> seen = new CopyOnWriteArrayList<>();
		this.collector.subscribeAll((id, p) -> seen.add(id));
		ticks(2);
		for (String controller : CONTROLLERS) {
			delete(this.cgroup.resolve(controller).resolve("berth/bbb"));
		}
		ticks(2);
		assertThat(seen).containsExactlyInAnyOrder("aaa", "bbb", "aaa", "aaa");
		assertThat(this.collector.history("gone")).isEmpty();
	}

	@Test
	void destroyEventDropsTheHistoryAndThePreviousSample() throws IOException {
		containers("aaa");
		List<StatsPoint> seen = new ArrayList<>();
		this.collector.subscribe("aaa", seen::add);
		ticks(3);
		assertThat(this.collector.history("aaa")).isNotEmpty();
		this.collector.onEvent(new EngineEvent("container", "destroy", "aaa", Map.of(), 0));
		assertThat(this.collector.history("aaa")).isEmpty();
		// Were it still listed, it would start over from a baseline, not from the sample before its removal.
		this.collector.onEvent(new EngineEvent("container", "start", "aaa", Map.of(), 0));
		tick();
		assertThat(seen).hasSize(2);
		assertThat(this.collector.history("aaa")).isEmpty();
	}

	@Test
	void newRunOfAContainerStartsFromANewBaseline() throws IOException {
		containers("aaa");
		List<StatsPoint> seen = new ArrayList<>();
		this.collector.subscribe("aaa", seen::add);
		ticks(2);
		this.targets.set(0, new ContainerStatsCollector.Target("aaa", "/berth/aaa", CgroupFixtures.PID + 1));
		this.collector.onEvent(new EngineEvent("container", "start", "aaa", Map.of(), 0));
		ticks(2);
		assertThat(seen).hasSize(2);
	}

	@Test
	void containersThatStopAreNoLongerSampledOnceTheListIsReloaded() throws IOException {
		containers("aaa", "bbb");
		this.collector.subscribeAll((id, p) -> {
		});
		ticks(2);
		this.targets.remove(1);
		this.collector.onEvent(new EngineEvent("container", "die", "bbb", Map.of(), 0));
		int before = this.reader.reads("bbb");
		ticks(3);
		assertThat(this.reader.reads("bbb")).isEqualTo(before);
		// Its history stays until the container is removed.
		assertThat(this.collector.history("bbb")).isNotEmpty();
	}

	@Test
	void runningLeavesOutPausedAndExitedContainers() {
		Container running = container("r1");
		running.started(100, Instant.now(), null);
		Container paused = container("p1");
		paused.started(101, Instant.now(), null);
		paused.paused();
		Container exited = container("e1");
		exited.started(102, Instant.now(), null);
		exited.exited(0, false, Instant.now());
		List<ContainerStatsCollector.Target> targets = ContainerStatsCollector
			.running(List.of(running, paused, exited, container("c1")), (c) -> "/berth/" + c.getId());
		assertThat(targets).containsExactly(new ContainerStatsCollector.Target("r1", "/berth/r1", 100));
	}

	@Test
	void fiftyContainersAreAllSampledInOneTick() throws IOException {
		String[] ids = new String[50];
		for (int i = 0; i < ids.length; i++) {
			ids[i] = "c" + i;
		}
		containers(ids);
		Map<String, StatsPoint> last = new ConcurrentHashMap<>();
		this.collector.subscribeAll(last::put);
		ticks(2);
		assertThat(last).hasSize(50);
		assertThat(last.values()).allSatisfy((p) -> assertThat(p.cpu()).isCloseTo(50.0, within(1e-6)));
	}

	/** Copies the fixture container's cgroup in every controller for each ID, and lists them as running. */
	private void containers(String... ids) throws IOException {
		for (String id : ids) {
			for (String controller : CONTROLLERS) {
				copy(this.cgroup.resolve(controller).resolve("berth/ad7a88"),
						this.cgroup.resolve(controller).resolve("berth/" + id));
			}
			this.targets.add(new ContainerStatsCollector.Target(id, "/berth/" + id, CgroupFixtures.PID));
		}
	}

	private void ticks(int n) throws IOException {
		for (int i = 0; i < n; i++) {
			tick();
		}
	}

	/** One second: every container uses another half second of CPU time, the host's two CPUs two seconds. */
	private void tick() throws IOException {
		this.clock.advance(Duration.ofSeconds(1));
		this.hostTicks += 200;
		this.cpuNanos += 500_000_000L;
		CgroupFixtures.write(this.temp.resolve("proc"), "stat",
				"cpu  " + (34032 + this.hostTicks) + " 0 40468 308194 865 0 237 22 0 0\ncpu0 1\ncpu1 1\n");
		for (ContainerStatsCollector.Target t : this.targets) {
			Path acct = this.cgroup.resolve("cpuacct").resolve(t.cgroupPath().substring(1));
			if (Files.isDirectory(acct)) {
				CgroupFixtures.write(acct, "cpuacct.usage", (28064030L + this.cpuNanos) + "\n");
			}
		}
		this.collector.tick();
	}

	private static Container container(String id) {
		return new Container(id, "n-" + id, "busybox", "sha256:1", "{}", "{}", "[]", "[]");
	}

	private static void copy(Path from, Path to) throws IOException {
		Files.createDirectories(to);
		try (Stream<Path> files = Files.list(from)) {
			for (Path f : (Iterable<Path>) files::iterator) {
				if (Files.isRegularFile(f)) {
					Files.copy(f, to.resolve(f.getFileName()));
				}
			}
		}
	}

	private static void delete(Path dir) throws IOException {
		try (Stream<Path> files = Files.list(dir)) {
			for (Path f : (Iterable<Path>) files::iterator) {
				Files.delete(f);
			}
		}
		Files.delete(dir);
	}

	/** Counts the reads per container, to see which were sampled in a tick. */
	private static final class CountingReader extends StatsReader {

		private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();

		CountingReader(Path cgroupRoot, Path procRoot, MutableClock clock) {
			super(cgroupRoot, procRoot, clock);
		}

		@Override
		public StatsSample read(String cgroupPath, int pid) {
			this.reads.computeIfAbsent(cgroupPath.substring("/berth/".length()), (k) -> new AtomicInteger())
				.incrementAndGet();
			return super.read(cgroupPath, pid);
		}

		int reads(String id) {
			AtomicInteger n = this.reads.get(id);
			return (n != null) ? n.get() : 0;
		}

	}

}
