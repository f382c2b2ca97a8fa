package io.berth.events;

import java.util.concurrent.CompletionStage;

/** A listener's registration with the {@link EventLog}. */
public interface EventSubscription extends AutoCloseable {

	/** Stops delivery; events still queued are discarded. Idempotent. */
	void cancel();

	/**
	 * Completes once no more events will be delivered: after {@link #cancel()}, after the {@code until} time has
	 * passed and the queued events were delivered, after the listener threw, or when the subscription was dropped
	 * for falling {@link EventsProperties#subscriberQueue()} events behind.
	 */
	CompletionStage<EndReason> ended();

	@Override
	default void close() {
		cancel();
	}

	/** Why a subscription ended. */
	enum EndReason {

		/** Cancelled by its owner. */
		CANCELLED,
		/** Its {@code until} time passed. */
		UNTIL_REACHED,
		/** It fell too far behind and was dropped so that publishers never wait for it. */
		DROPPED,
		/** Its listener threw, typically because the client went away. */
		FAILED

	}

}
