package io.berth.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.berth.events.EventSubscription.EndReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link EventBus}, with an in-memory store and a clock the test moves. */
class EventBusTests {

	private final MemoryStore store = new MemoryStore();

	private final AtomicLong clock = new AtomicLong(seconds(1000));

	private EventBus bus = new EventBus(this.store, 1024, this.clock::get);

	@AfterEach
	void shutDown() {
		this.bus.destroy();
	}

	@Test
	void publishStoresAndDeliversToMatchingSubscribersOnly() throws Exception {
		Recorder volumes = new Recorder();
		Recorder containers = new Recorder();
		this.bus.subscribe(filter("type", "volume"), volumes);
		this.bus.subscribe(filter("type", "container"), containers);
		this.bus.publish("volume", "create", "v1", Map.of("driver", "local"));
		volumes.await(1);
		assertThat(volumes.actors()).containsExactly("v1");
		assertThat(containers.events).isEmpty();
		assertThat(this.store.events).hasSize(1);
	}

	@Test
	void subscribeWithSinceReplaysStoredEventsThenLiveOnesInOrderWithoutDuplicates() throws Exception {
		publishAt(seconds(1000), "old");
		publishAt(seconds(2000), "a");
		publishAt(seconds(2001), "b");
		Recorder r = new Recorder();
		this.bus.subscribe(EventFilter.all(), Instant.ofEpochSecond(2000), null, r);
		publishAt(seconds(2002), "c");
		r.await(3);
		assertThat(r.actors()).containsExactly("a", "b", "c");
	}

	@Test
	void subscribeWhenUntilHasPassedReplaysTheRangeAndEnds() throws Exception {
		publishAt(seconds(1000), "a");
		publishAt(seconds(1001), "b");
		publishAt(seconds(1002), "c");
		this.clock.set(seconds(5000));
		Recorder r = new Recorder();
		EventSubscription s = this.bus.subscribe(EventFilter.all(), Instant.ofEpochSecond(1001),
				Instant.ofEpochSecond(1001), r);
		assertThat(s.ended().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.UNTIL_REACHED);
		assertThat(r.actors()).containsExactly("b");
		assertThat(this.bus.listenerCount()).isZero();
	}

	@Test
	void subscribeWithFutureUntilEndsOnceItPassesWithoutPolling() throws Exception {
		this.bus.destroy();
		this.bus = new EventBus(this.store, 1024, () -> {
			Instant now = Instant.now();
			return now.getEpochSecond() * 1_000_000_000L + now.getNano();
		});
		Recorder r = new Recorder();
		EventSubscription s = this.bus.subscribe(EventFilter.all(), null, Instant.now().plusMillis(300), r);
		this.bus.publish("volume", "create", "live", Map.of());
		assertThat(s.ended().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.UNTIL_REACHED);
		assertThat(r.actors()).containsExactly("live");
	}

	@Test
	void subscribeWithoutRangeReplaysNothing() throws Exception {
		publishAt(seconds(1000), "old");
		Recorder r = new Recorder();
		this.bus.subscribe(EventFilter.all(), r);
		publishAt(seconds(1001), "new");
		r.await(1);
		assertThat(r.actors()).containsExactly("new");
	}

	@Test
	void slowSubscriberIsDroppedWithoutBlockingThePublisher() throws Exception {
		this.bus.destroy();
		this.bus = new EventBus(this.store, 2, this.clock::get);
		CountDownLatch release = new CountDownLatch(1);
		EventSubscription slow = this.bus.subscribe(EventFilter.all(), (event) -> {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		Recorder fast = new Recorder();
		this.bus.subscribe(EventFilter.all(), fast);
		long started = System.nanoTime();
		for (int i = 0; i < 10; i++) {
			this.bus.publish("volume", "create", "v" + i, Map.of());
			fast.await(i + 1);
		}
		assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(5);
		assertThat(slow.ended().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.DROPPED);
		assertThat(fast.events).hasSize(10);
		release.countDown();
	}

	@Test
	void listenerThatThrowsEndsItsSubscription() throws Exception {
		EventSubscription s = this.bus.subscribe(EventFilter.all(), (event) -> {
			throw new IllegalStateException("client gone");
		});
		this.bus.publish("volume", "create", "v", Map.of());
		assertThat(s.ended().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.FAILED);
		assertThat(this.bus.listenerCount()).isZero();
	}

	@Test
	void latestReadsBackwardsForTheNewestMatchingOnes() {
		for (int i = 0; i < 1000; i++) {
			this.bus.publish((i % 3 == 0) ? "volume" : "container", "create", "a" + i, Map.of());
		}
		List<EngineEvent> latest = this.bus.latest(null, null, (e) -> e.type().equals("volume"), 5);
		assertThat(latest).extracting(EngineEvent::actorId).containsExactly("a987", "a990", "a993", "a996", "a999");
		assertThat(this.bus.latest(null, null, (e) -> e.actorId().equals("a1"), 3)).extracting(EngineEvent::actorId)
			.containsExactly("a1");
		assertThat(this.bus.latest(null, null, (e) -> true, 2000)).hasSize(1000);
	}

	@Test
	void cancelStopsDeliveryAndCountsTheListenerOut() throws Exception {
		Recorder r = new Recorder();
		EventSubscription s = this.bus.subscribe(EventFilter.all(), null, null, r);
		// The engine's own listeners are not clients: NEventsListener leaves them out.
		EventSubscription internal = this.bus.subscribe(EventFilter.all(), new Recorder());
		assertThat(this.bus.listenerCount()).isEqualTo(1);
		internal.cancel();
		s.cancel();
		assertThat(s.ended().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.CANCELLED);
		this.bus.publish("volume", "create", "v", Map.of());
		assertThat(this.bus.listenerCount()).isZero();
		assertThat(r.events).isEmpty();
	}

	@Test
	void stopEndsEverySubscriptionSoStreamsCloseBeforeShutdown() throws Exception {
		EventSubscription s = this.bus.subscribe(EventFilter.all(), new Recorder());
		this.bus.stop();
		assertThat(s.ended().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(EndReason.CANCELLED);
	}

	@Test
	void publishWhenStoreFailsStillDeliversLive() throws Exception {
		this.store.failing = true;
		Recorder r = new Recorder();
		this.bus.subscribe(EventFilter.all(), r);
		this.bus.publish("volume", "create", "v", Map.of());
		r.await(1);
		assertThat(r.actors()).containsExactly("v");
	}

	@Test
	void publishNeverGoesBackInTime() {
		publishAt(seconds(2000), "a");
		publishAt(seconds(1000), "b");
		assertThat(this.store.events.get(1).timeNano()).isEqualTo(seconds(2000));
	}

	@Test
	void replayFiltersTheStoredRange() {
		publishAt(seconds(1000), "a");
		this.bus.publish("container", "start", "c", Map.of());
		publishAt(seconds(1002), "b");
		assertThat(this.bus.replay(null, Instant.ofEpochSecond(1001), filter("type", "volume")))
			.extracting(EngineEvent::actorId)
			.containsExactly("a");
	}

	private void publishAt(long nanos, String actor) {
		this.clock.set(nanos);
		this.bus.publish("volume", "create", actor, Map.of());
	}

	private static long seconds(long s) {
		return s * 1_000_000_000L;
	}

	private static EventFilter filter(String key, String value) {
		return new EventFilter(Map.of(key, List.of(value)));
	}

	private static final class Recorder implements Consumer<EngineEvent> {

		final List<EngineEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void accept(EngineEvent event) {
			this.events.add(event);
		}

		void await(int count) throws InterruptedException {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (this.events.size() < count && System.nanoTime() < deadline) {
				Thread.sleep(5);
			}
			assertThat(this.events).hasSizeGreaterThanOrEqualTo(count);
		}

		List<String> actors() {
			return this.events.stream().map(EngineEvent::actorId).toList();
		}

	}

	private static final class MemoryStore implements EventStore {

		final List<EngineEvent> events = new ArrayList<>();

		volatile boolean failing;

		@Override
		public synchronized long append(EngineEvent event) {
			if (this.failing) {
				throw new IllegalStateException("disk full");
			}
			this.events.add(event);
			return this.events.size();
		}

		@Override
		public synchronized List<EngineEvent> read(long sinceNano, long untilNano, long upTo) {
			List<EngineEvent> result = new ArrayList<>();
			for (int i = 0; i < this.events.size() && i < upTo; i++) {
				EngineEvent e = this.events.get(i);
				if (e.timeNano() >= sinceNano && e.timeNano() <= untilNano) {
					result.add(e);
				}
			}
			return result;
		}

		@Override
		public synchronized List<Sequenced> readNewest(long sinceNano, long untilNano, long before, int limit) {
			List<Sequenced> result = new ArrayList<>();
			for (int i = (int) Math.min(this.events.size(), before - 1); i >= 1 && result.size() < limit; i--) {
				EngineEvent e = this.events.get(i - 1);
				if (e.timeNano() >= sinceNano && e.timeNano() <= untilNano) {
					result.add(new Sequenced(i, e));
				}
			}
			return result;
		}

		@Override
		public synchronized long lastSequence() {
			return this.events.size();
		}

	}

}
