package io.berth.events;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Reading the engine's events: replaying stored ones and listening to new ones. Listeners are called on a delivery
 * thread of their own subscription, in publication order, never on the publisher's thread.
 */
public interface EventLog {

	/**
	 * Delivers the events published from now on that match the filter, until cancelled: for the engine's own
	 * listeners (the stats collector, the dashboard's channels), which {@link #listenerCount()} leaves out.
	 */
	EventSubscription subscribe(EventFilter filter, Consumer<EngineEvent> listener);

	/**
	 * Delivers the stored events between {@code since} and {@code until} (both inclusive, either may be null), then
	 * the live ones in that range, with no gap and no duplicate between the two. As in dockerd, nothing is replayed
	 * when both are null. With an {@code until}, the subscription ends by itself once that time has passed and the
	 * events up to it were delivered (at once if it already has).
	 */
	EventSubscription subscribe(EventFilter filter, @Nullable Instant since, @Nullable Instant until,
			Consumer<EngineEvent> listener);

	/** The stored events between {@code since} and {@code until} (inclusive, either may be null), oldest first. */
	List<EngineEvent> replay(@Nullable Instant since, @Nullable Instant until, EventFilter filter);

	/**
	 * The newest {@code n} stored events between {@code since} and {@code until} (either may be null) that pass the
	 * test, oldest first; read backwards from the end, so a short list costs little however many are stored.
	 */
	List<EngineEvent> latest(@Nullable Instant since, @Nullable Instant until, Predicate<EngineEvent> test, int n);

	/**
	 * How many subscriptions made with a time range (as the API's {@code /events} streams are) are live
	 * ({@code NEventsListener} in {@code /info}).
	 */
	int listenerCount();

}
