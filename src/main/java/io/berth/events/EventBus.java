package io.berth.events;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The in-process event bus. Publishing stores the event and hands it to every matching subscriber's bounded queue
 * under one lock, so a subscriber that registers under that lock sees each event exactly once, from the store or
 * live. Each subscriber drains its queue on a delivery thread; one that falls more than
 * {@link EventsProperties#subscriberQueue()} events behind is dropped (its stream ends, and a client can resume with
 * {@code since}), rather than making publishers wait or silently losing events from the middle of its stream.
 */
@Component
class EventBus implements EventPublisher, EventLog, SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(EventBus.class);

	/** How many stored events {@link #latest} reads at a time, going backwards. */
	private static final int LATEST_PAGE = 200;

	private final EventStore store;

	private final int queueCapacity;

	private final LongSupplier clock;

	private final Object lock = new Object();

	private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();

	private final ExecutorService delivery = Executors.newCachedThreadPool(threads("berth-events-"));

	private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
			threads("berth-events-until-"));

	private long lastSequence;

	private long lastTime;

	private volatile boolean running;

	@Autowired
	EventBus(EventStore store, EventsProperties properties) {
		this(store, properties.subscriberQueue(), EventBus::wallClockNanos);
	}

	EventBus(EventStore store, int queueCapacity, LongSupplier clock) {
		this.store = store;
		this.queueCapacity = queueCapacity;
		this.clock = clock;
		this.lastSequence = store.lastSequence();
		this.timer.setRemoveOnCancelPolicy(true);
	}

	@Override
	public void publish(String type, String action, String actorId, Map<String, String> attributes) {
		synchronized (this.lock) {
			// Never back in time, so that publication order and time order agree for since/until.
			long now = Math.max(this.clock.getAsLong(), this.lastTime);
			this.lastTime = now;
			EngineEvent event = new EngineEvent(type, action, actorId, attributes, now);
			try {
				this.lastSequence = this.store.append(event);
			}
			catch (RuntimeException ex) {
				// Live listeners still get it; only a later replay will miss it.
				logger.warn("Cannot store event " + type + " " + action + " " + actorId, ex);
			}
			for (Subscriber subscriber : this.subscribers) {
				subscriber.offer(event);
			}
		}
	}

	@Override
	public EventSubscription subscribe(EventFilter filter, Consumer<EngineEvent> listener) {
		return subscribe(filter, null, null, listener, false);
	}

	@Override
	public EventSubscription subscribe(EventFilter filter, @Nullable Instant since, @Nullable Instant until,
			Consumer<EngineEvent> listener) {
		return subscribe(filter, since, until, listener, true);
	}

	private EventSubscription subscribe(EventFilter filter, @Nullable Instant since, @Nullable Instant until,
			Consumer<EngineEvent> listener, boolean client) {
		long sinceNano = (since != null) ? nanos(since) : Long.MIN_VALUE;
		long untilNano = (until != null) ? nanos(until) : Long.MAX_VALUE;
		Subscriber subscriber = new Subscriber(filter, sinceNano, untilNano, listener, client);
		long upTo;
		synchronized (this.lock) {
			upTo = this.lastSequence;
			this.subscribers.add(subscriber);
		}
		// As dockerd: stored events are replayed only when the client asked for a time range.
		List<EngineEvent> backlog = (since != null || until != null) ? read(sinceNano, untilNano, upTo, filter)
				: List.of();
		subscriber.start(backlog);
		if (until != null) {
			long delay = untilNano - this.clock.getAsLong();
			if (delay <= 0) {
				subscriber.finish();
			}
			else {
				subscriber.finishAfter(delay);
			}
		}
		return subscriber;
	}

	@Override
	public List<EngineEvent> replay(@Nullable Instant since, @Nullable Instant until, EventFilter filter) {
		return read((since != null) ? nanos(since) : Long.MIN_VALUE, (until != null) ? nanos(until) : Long.MAX_VALUE,
				Long.MAX_VALUE, filter);
	}

	@Override
	public List<EngineEvent> latest(@Nullable Instant since, @Nullable Instant until, Predicate<EngineEvent> test,
			int n) {
		long sinceNano = (since != null) ? nanos(since) : Long.MIN_VALUE;
		long untilNano = (until != null) ? nanos(until) : Long.MAX_VALUE;
		ArrayDeque<EngineEvent> found = new ArrayDeque<>();
		long before = Long.MAX_VALUE;
		try {
			while (found.size() < n) {
				List<EventStore.Sequenced> page = this.store.readNewest(sinceNano, untilNano, before, LATEST_PAGE);
				for (EventStore.Sequenced s : page) {
					if (found.size() < n && test.test(s.event())) {
						found.addFirst(s.event());
					}
					before = s.sequence();
				}
				if (page.size() < LATEST_PAGE) {
					break;
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot read stored events", ex);
		}
		return List.copyOf(found);
	}

	@Override
	public int listenerCount() {
		int n = 0;
		for (Subscriber s : this.subscribers) {
			n += s.client ? 1 : 0;
		}
		return n;
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Ends every subscription, and with it every {@code /events} stream, before the web server's graceful shutdown
	 * begins (this runs in an earlier phase); otherwise those endless requests hold the shutdown until it times out.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.subscribers.forEach(Subscriber::cancel);
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void destroy() {
		this.subscribers.forEach(Subscriber::cancel);
		this.timer.shutdownNow();
		this.delivery.shutdownNow();
	}

	private List<EngineEvent> read(long sinceNano, long untilNano, long upTo, EventFilter filter) {
		try {
			return this.store.read(sinceNano, untilNano, upTo).stream().filter(filter::matches).toList();
		}
		catch (RuntimeException ex) {
			logger.warn("Cannot read stored events", ex);
			return List.of();
		}
	}

	/** Nanoseconds since the epoch, saturating: a far-future {@code until} (past 2262) means "never". */
	private static long nanos(Instant instant) {
		try {
			return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
		}
		catch (ArithmeticException ex) {
			return (instant.getEpochSecond() < 0) ? Long.MIN_VALUE : Long.MAX_VALUE;
		}
	}

	private static long wallClockNanos() {
		return nanos(Instant.now());
	}

	private static ThreadFactory threads(String prefix) {
		AtomicInteger n = new AtomicInteger();
		return (task) -> {
			Thread t = new Thread(task, prefix + n.incrementAndGet());
			t.setDaemon(true);
			return t;
		};
	}

	/** One listener: its filter and time range, its queue, and whether a delivery thread is draining it. */
	private final class Subscriber implements EventSubscription {

		private final EventFilter filter;

		private final long sinceNano;

		private final long untilNano;

		private final Consumer<EngineEvent> listener;

		/** A client's stream, counted in {@code NEventsListener}; the engine's own listeners are not. */
		private final boolean client;

		/** Replayed events: not bounded, they were read in one go. */
		private final ArrayDeque<EngineEvent> backlog = new ArrayDeque<>();

		private final ArrayDeque<EngineEvent> live = new ArrayDeque<>();

		private final CompletableFuture<EndReason> ended = new CompletableFuture<>();

		private boolean started;

		private boolean draining;

		private boolean finishing;

		private @Nullable EndReason endReason;

		private @Nullable ScheduledFuture<?> untilTimer;

		Subscriber(EventFilter filter, long sinceNano, long untilNano, Consumer<EngineEvent> listener, boolean client) {
			this.client = client;
			this.filter = filter;
			this.sinceNano = sinceNano;
			this.untilNano = untilNano;
			this.listener = listener;
		}

		/** Called by the publisher under the bus lock; never blocks. */
		void offer(EngineEvent event) {
			if (event.timeNano() < this.sinceNano || event.timeNano() > this.untilNano || !this.filter.matches(event)) {
				return;
			}
			synchronized (this) {
				if (this.endReason != null || this.finishing) {
					return;
				}
				if (this.live.size() >= EventBus.this.queueCapacity) {
					end(EndReason.DROPPED);
					return;
				}
				this.live.add(event);
				scheduleDrain();
			}
		}

		synchronized void start(List<EngineEvent> replayed) {
			this.backlog.addAll(replayed);
			this.started = true;
			scheduleDrain();
		}

		/** Ends the subscription once what is queued has been delivered. */
		synchronized void finish() {
			if (this.endReason == null) {
				this.finishing = true;
				scheduleDrain();
			}
		}

		synchronized void finishAfter(long delayNanos) {
			if (this.endReason == null) {
				this.untilTimer = EventBus.this.timer.schedule(this::finish, delayNanos, TimeUnit.NANOSECONDS);
			}
		}

		@Override
		public void cancel() {
			end(EndReason.CANCELLED);
		}

		@Override
		public CompletionStage<EndReason> ended() {
			return this.ended.minimalCompletionStage();
		}

		private void scheduleDrain() {
			boolean work = !this.backlog.isEmpty() || !this.live.isEmpty() || this.finishing;
			if (this.started && !this.draining && work && this.endReason == null) {
				this.draining = true;
				EventBus.this.delivery.execute(this::drain);
			}
		}

		private void drain() {
			while (true) {
				EngineEvent next;
				synchronized (this) {
					next = (this.endReason != null) ? null
							: (!this.backlog.isEmpty() ? this.backlog.poll() : this.live.poll());
					if (next == null) {
						this.draining = false;
						if (this.finishing) {
							end(EndReason.UNTIL_REACHED);
						}
						return;
					}
				}
				try {
					this.listener.accept(next);
				}
				catch (RuntimeException ex) {
					logger.debug("Event listener failed; dropping its subscription", ex);
					synchronized (this) {
						this.draining = false;
					}
					end(EndReason.FAILED);
					return;
				}
			}
		}

		private void end(EndReason reason) {
			synchronized (this) {
				if (this.endReason != null) {
					return;
				}
				this.endReason = reason;
				this.backlog.clear();
				this.live.clear();
				if (this.untilTimer != null) {
					this.untilTimer.cancel(false);
				}
			}
			EventBus.this.subscribers.remove(this);
			// Completion callbacks may do I/O; they must not run on a publisher's thread or under a lock.
			try {
				CompletableFuture.runAsync(() -> this.ended.complete(reason), EventBus.this.delivery);
			}
			catch (RejectedExecutionException ex) {
				this.ended.complete(reason);
			}
		}

	}

}
