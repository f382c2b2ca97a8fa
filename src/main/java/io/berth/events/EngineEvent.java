package io.berth.events;

import java.util.Map;

/**
 * One thing that happened in the engine, in the shape of Docker's events: a type (container, image, volume,
 * network), an action (create, start, die...), the actor's ID and its attributes, and the time in nanoseconds.
 */
public record EngineEvent(String type, String action, String actorId, Map<String, String> attributes,
		long timeNano) {

	/** The type of the dashboard's audit events: who did what from the browser. */
	public static final String AUDIT = "audit";

	public EngineEvent {
		attributes = Map.copyOf(attributes);
	}

}
