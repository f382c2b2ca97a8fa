package io.berth.dashboard.security;

import java.util.LinkedHashMap;
import java.util.Map;

import io.berth.events.EngineEvent;
import io.berth.events.EventPublisher;

import org.springframework.stereotype.Component;

/**
 * Records what dashboard users do as audit events on the engine's event bus, so the timeline shows who did what
 * beside what the engine did.
 */
@Component
public class AuditLog {

	private final EventPublisher events;

	AuditLog(EventPublisher events) {
		this.events = events;
	}

	/**
	 * @param action what was done, e.g. {@code container.stop} or {@code login}
	 * @param targetId the container's ID, or the user name for actions on users
	 * @param targetName a readable name of the target
	 * @param outcome {@code ok}, or why it failed
	 */
	public void record(String user, String action, String targetId, String targetName, String outcome) {
		Map<String, String> attributes = new LinkedHashMap<>();
		attributes.put("user", user);
		attributes.put("via", "dashboard");
		if (targetName != null) {
			attributes.put("name", targetName);
		}
		attributes.put("result", outcome);
		this.events.publish(EngineEvent.AUDIT, action, (targetId != null) ? targetId : "", attributes);
	}

}
