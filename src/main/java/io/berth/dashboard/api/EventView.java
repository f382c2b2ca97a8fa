package io.berth.dashboard.api;

import java.time.Instant;
import java.util.Map;

import io.berth.events.EngineEvent;

/** An engine or audit event as the dashboard's timeline shows it; {@code user} is set on audit events. */
public record EventView(String time, long timeNano, String type, String action, String id, String name,
		Map<String, String> attributes, String user) {

	public static EventView of(EngineEvent e) {
		Instant t = Instant.ofEpochSecond(0, e.timeNano());
		String user = e.type().equals(EngineEvent.AUDIT) ? e.attributes().get("user") : null;
		return new EventView(t.toString(), e.timeNano(), e.type(), e.action(), e.actorId(), e.attributes().get("name"),
				e.attributes(), user);
	}

}
