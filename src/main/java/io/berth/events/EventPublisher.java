package io.berth.events;

import java.util.Map;

/** Where features report what happened; the events feature persists each event and fans it out to listeners. */
public interface EventPublisher {

	/** Publishes an event stamped with the current time. */
	void publish(String type, String action, String actorId, Map<String, String> attributes);

}
