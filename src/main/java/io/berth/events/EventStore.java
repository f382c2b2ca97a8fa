package io.berth.events;

import java.util.List;

/** Where published events are kept for replays; the bus calls it under its publication lock. */
interface EventStore {

	/** Stores the event and returns its sequence number, greater than every earlier one. */
	long append(EngineEvent event);

	/** The stored events with a sequence number up to {@code upTo} and a time in [since, until], oldest first. */
	List<EngineEvent> read(long sinceNano, long untilNano, long upTo);

	/**
	 * At most {@code limit} stored events with a sequence number below {@code before} and a time in [since, until],
	 * newest first, each with its sequence number, so a reader can page backwards from the end.
	 */
	List<Sequenced> readNewest(long sinceNano, long untilNano, long before, int limit);

	/** A stored event and its sequence number. */
	record Sequenced(long sequence, EngineEvent event) {
	}

	/** The sequence number of the newest stored event, 0 when there is none. */
	long lastSequence();

}
