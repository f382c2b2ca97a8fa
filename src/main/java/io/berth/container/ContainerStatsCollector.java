package io.berth.container;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.berth.events.EngineEvent;
import io.berth.events.EventFilter;
import io.berth.events.EventLog;
import io.berth.events.EventSubscription;
import io.berth.paths.EnginePaths;
import io.berth.stats.StatsHistory;
import io.berth.stats.StatsHistoryFile;
import io.berth.stats.StatsPoint;
import io.berth.stats.StatsProperties;
import io.berth.stats.StatsReader;
import io.berth.stats.StatsSample;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Samples the running containers' counters on one daemon thread, once a second, keeps them in the
 * {@link StatsHistory} and pushes each point to live listeners. A container nobody listens to is sampled only once
 * per {@link StatsProperties#resolution()}, which is all its history needs, so an engine nobody watches reads little;
 * the rates of such a point are averages over the whole interval, so the history loses nothing by it.
 * <p>
 * The list of running containers is cached and reloaded when a container starts, dies, pauses or unpauses, and once
 * per resolution in case an event was missed. Listeners run on the sampling thread and must not block; one that
 * throws is logged and kept.
 */
@Component
public class ContainerStatsCollector implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ContainerStatsCollector.class);

	private static final long TICK_MILLIS = 1000;

	private static final long SAVE_MINUTES = 10;

	private static final EventFilter EVENTS = new EventFilter(Map.of("type", List.of("container"), "event",
			List.of("start", "die", "pause", "unpause", "destroy")));

	private final StatsReader reader;

	private final StatsHistory history;

	private final Supplier<List<Target>> targets;

	private final Supplier<@Nullable EventLog> events;

	/** Ticks between two samples of a container nobody listens to: one per history bucket. */
	private final long ticksPerResolution;

	/** Written only by the sampling thread, but read by {@link #forget}, which may run on an event thread. */
	private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

	private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();

	private final List<Listener> allListeners = new CopyOnWriteArrayList<>();

	private final AtomicBoolean targetsChanged = new AtomicBoolean(true);

	private long tick;

	private long refreshedAt;

	private volatile @Nullable ScheduledExecutorService executor;

	private volatile @Nullable EventSubscription subscription;

	/** Where the history is kept across restarts; none in tests. */
	private @Nullable Path historyFile;

	@Autowired
	ContainerStatsCollector(StatsReader reader, StatsHistory history, StatsProperties properties,
			ContainerService containers, ContainerLifecycle lifecycle, ObjectProvider<EventLog> events,
			EnginePaths paths) {
		this(reader, history, properties.resolution(), () -> running(containers.active(), lifecycle::cgroupPath),
				events::getIfAvailable);
		this.historyFile = paths.dataRoot().resolve("stats-history.bin");
	}

	/** For tests: the running containers come from {@code targets}, and no events are listened to. */
	ContainerStatsCollector(StatsReader reader, StatsHistory history, Duration resolution,
			Supplier<List<Target>> targets) {
		this(reader, history, resolution, targets, () -> null);
	}

	private ContainerStatsCollector(StatsReader reader, StatsHistory history, Duration resolution,
			Supplier<List<Target>> targets, Supplier<@Nullable EventLog> events) {
		this.reader = reader;
		this.history = history;
		this.targets = targets;
		this.events = events;
		this.ticksPerResolution = Math.max(1, resolution.toMillis() / TICK_MILLIS);
	}

	/** The running ones of the active containers: paused ones have no new counters and are left out. */
	static List<Target> running(List<Container> active, Function<Container, String> cgroupPath) {
		return active.stream()
			.filter((c) -> c.getState() == ContainerState.RUNNING && c.getPid() > 0)
			.map((c) -> new Target(c.getId(), cgroupPath.apply(c), c.getPid()))
			.toList();
	}

	/**
	 * Calls the listener with each new point of the container, every second while it runs (the first a second or
	 * so after subscribing), on the sampling thread.
	 * @param containerId the full ID
	 */
	public Subscription subscribe(String containerId, Consumer<StatsPoint> listener) {
		Listener l = new Listener(containerId, listener, null);
		this.listeners.compute(containerId, (id, list) -> {
			List<Listener> out = (list != null) ? list : new CopyOnWriteArrayList<>();
			out.add(l);
			return out;
		});
		return l;
	}

	/** Calls the listener with each new point of every running container, every second, on the sampling thread. */
	public Subscription subscribeAll(BiConsumer<String, StatsPoint> listener) {
		Listener l = new Listener(null, null, listener);
		this.allListeners.add(l);
		return l;
	}

	/** The container's history, oldest first; see {@link StatsHistory#points(String)}. */
	public List<StatsPoint> history(String containerId) {
		return this.history.points(containerId);
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		ScheduledExecutorService ex = Executors.newSingleThreadScheduledExecutor((r) -> {
			Thread t = new Thread(r, "container-stats");
			t.setDaemon(true);
			return t;
		});
		EventLog log = this.events.get();
		if (log != null) {
			this.subscription = log.subscribe(EVENTS, this::onEvent);
		}
		this.targetsChanged.set(true);
		Path file = this.historyFile;
		if (file != null) {
			try {
				StatsHistoryFile.load(this.history, file);
			}
			catch (IOException failure) {
				logger.warn("Could not load the stats history from " + file + ": " + failure.getMessage());
			}
			// Now and then as well as at the stop, so a daemon that crashes loses at most this much of the history.
			ex.scheduleWithFixedDelay(this::saveHistory, SAVE_MINUTES, SAVE_MINUTES, TimeUnit.MINUTES);
		}
		// Fixed delay rather than rate: after a stall, a burst of catch-up ticks would give rates over tiny intervals.
		ex.scheduleWithFixedDelay(this::safeTick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
		this.executor = ex;
	}

	@Override
	public synchronized void stop() {
		EventSubscription s = this.subscription;
		if (s != null) {
			s.cancel();
			this.subscription = null;
		}
		ScheduledExecutorService ex = this.executor;
		if (ex != null) {
			ex.shutdownNow();
			this.executor = null;
			saveHistory();
		}
	}

	private void saveHistory() {
		Path file = this.historyFile;
		if (file == null) {
			return;
		}
		try {
			this.history.prune();
			StatsHistoryFile.save(this.history, file);
		}
		catch (IOException | RuntimeException ex) {
			logger.warn("Could not save the stats history to " + file + ": " + ex.getMessage());
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	void onEvent(EngineEvent event) {
		if (event.action().equals("destroy")) {
			forget(event.actorId());
		}
		else {
			this.targetsChanged.set(true);
		}
	}

	/**
	 * Drops a removed container's history and last sample, now and again on the sampling thread, after any tick
	 * that was sampling it when it went.
	 */
	void forget(String id) {
		this.tracked.remove(id);
		this.history.remove(id);
		ScheduledExecutorService ex = this.executor;
		if (ex != null) {
			try {
				ex.execute(() -> {
					this.tracked.remove(id);
					this.history.remove(id);
				});
			}
			catch (RejectedExecutionException stopping) {
				// Stopped meanwhile: no tick will add to it again.
			}
		}
	}

	private void safeTick() {
		try {
			tick();
		}
		catch (RuntimeException ex) {
			logger.warn("Stats sampling failed: " + ex.getMessage(), ex);
		}
	}

	/** One round: reloads the running containers if needed, then samples the ones that are due. */
	void tick() {
		long n = ++this.tick;
		if (this.targetsChanged.getAndSet(false) || n - this.refreshedAt >= this.ticksPerResolution) {
			refresh(n);
		}
		boolean everyone = !this.allListeners.isEmpty();
		for (Tracked t : this.tracked.values()) {
			if (everyone || n >= t.nextDue || this.listeners.containsKey(t.target.id())) {
				sample(t, n);
			}
		}
		if (n % this.ticksPerResolution == 0) {
			this.history.prune();
		}
	}

	private void refresh(long n) {
		List<Target> running;
		try {
			running = this.targets.get();
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot list the running containers for stats: " + ex.getMessage());
			return;
		}
		Set<String> ids = new HashSet<>();
		for (Target target : running) {
			ids.add(target.id());
			// A new pid or cgroup is a new run, whose counters started again: its first sample is a new baseline.
			this.tracked.compute(target.id(),
					(id, old) -> (old != null && old.target.equals(target)) ? old : new Tracked(target, n));
		}
		this.tracked.keySet().retainAll(ids);
		this.refreshedAt = n;
	}

	private void sample(Tracked t, long n) {
		String id = t.target.id();
		StatsSample sample;
		try {
			sample = this.reader.read(t.target.cgroupPath(), t.target.pid());
		}
		catch (RuntimeException ex) {
			logger.debug("Cannot read the stats of " + id + ": " + ex.getMessage());
			t.previous = null;
			t.nextDue = n + this.ticksPerResolution;
			return;
		}
		// A live cgroup always uses some memory; none means the files are gone, which is confirmed only then.
		if (sample.memory().usage() == 0 && !this.reader.exists(t.target.cgroupPath())) {
			t.previous = null;
			t.nextDue = n + this.ticksPerResolution;
			return;
		}
		StatsSample previous = t.previous;
		t.previous = sample;
		if (previous == null) {
			// A baseline has no rates, which would drag the bucket's average down; the next sample is spread over
			// the resolution so that the containers found together are not all read in the same tick.
			t.nextDue = n + 1 + Math.floorMod(id.hashCode(), this.ticksPerResolution);
			return;
		}
		t.nextDue = n + this.ticksPerResolution;
		StatsPoint point = StatsPoint.between(previous, sample);
		this.history.add(id, point);
		List<Listener> mine = this.listeners.get(id);
		if (mine != null) {
			for (Listener l : mine) {
				l.deliver(id, point);
			}
		}
		for (Listener l : this.allListeners) {
			l.deliver(id, point);
		}
	}

	/** A running container, as the sampler needs it. @param pid its init as the host sees it */
	record Target(String id, String cgroupPath, int pid) {
	}

	/** A live listener's registration; closing it stops delivery. */
	public interface Subscription extends AutoCloseable {

		/** Stops delivery. Idempotent. */
		@Override
		void close();

	}

	/** The sampling state of one container, touched only by the sampling thread. */
	private static final class Tracked {

		final Target target;

		@Nullable StatsSample previous;

		long nextDue;

		Tracked(Target target, long tick) {
			this.target = target;
			this.nextDue = tick;
		}

	}

	private final class Listener implements Subscription {

		private final @Nullable String containerId;

		private final @Nullable Consumer<StatsPoint> one;

		private final @Nullable BiConsumer<String, StatsPoint> all;

		/** Only the first failure is logged as a warning, so that a broken listener does not flood the log. */
		private boolean warned;

		Listener(@Nullable String containerId, @Nullable Consumer<StatsPoint> one,
				@Nullable BiConsumer<String, StatsPoint> all) {
			this.containerId = containerId;
			this.one = one;
			this.all = all;
		}

		void deliver(String id, StatsPoint point) {
			try {
				if (this.one != null) {
					this.one.accept(point);
				}
				else if (this.all != null) {
					this.all.accept(id, point);
				}
			}
			catch (RuntimeException ex) {
				if (!this.warned) {
					this.warned = true;
					logger.warn("A stats listener failed (further failures are logged at debug level)", ex);
				}
				else {
					logger.debug("A stats listener failed", ex);
				}
			}
		}

		@Override
		public void close() {
			if (this.containerId == null) {
				ContainerStatsCollector.this.allListeners.remove(this);
				return;
			}
			ContainerStatsCollector.this.listeners.computeIfPresent(this.containerId, (id, list) -> {
				list.remove(this);
				return list.isEmpty() ? null : list;
			});
		}

	}

}
