package io.berth.dashboard.api;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.berth.events.EngineEvent;
import io.berth.events.EventFilter;
import io.berth.error.InvalidParameterException;

/**
 * The timeline's filters: a type (or every type, audit included), an action prefix, a container's name or ID, and a
 * time range; the same for the stored events and the live ones.
 */
public record EventQuery(String type, String action, String container, Instant since, Instant until) {

	/** Every type the engine publishes; the audit type is included only when asked for, by naming it. */
	private static final List<String> ALL_TYPES = List.of("container", "image", "network", "volume", "daemon",
			"builder", EngineEvent.AUDIT);

	public static EventQuery parse(String type, String action, String container, String since, String until) {
		return new EventQuery(blankToNull(type), blankToNull(action), blankToNull(container), time("since", since),
				time("until", until));
	}

	public EventFilter filter() {
		List<String> types = (this.type != null && !this.type.equals("all")) ? List.of(this.type) : ALL_TYPES;
		return new EventFilter(Map.of("type", new ArrayList<>(types)));
	}

	public boolean matches(EngineEvent e) {
		if (!filter().matches(e)) {
			return false;
		}
		if (this.action != null && !e.action().startsWith(this.action)) {
			return false;
		}
		if (this.container != null) {
			String name = e.attributes().get("name");
			boolean containerish = e.type().equals("container") || e.type().equals(EngineEvent.AUDIT);
			if (!containerish || !(e.actorId().startsWith(this.container) || this.container.equals(name))) {
				return false;
			}
		}
		long t = e.timeNano();
		if (this.since != null && t < this.since.getEpochSecond() * 1_000_000_000L + this.since.getNano()) {
			return false;
		}
		return this.until == null || t <= this.until.getEpochSecond() * 1_000_000_000L + this.until.getNano();
	}

	private static Instant time(String name, String text) {
		if (text == null || text.isBlank()) {
			return null;
		}
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			try {
				// What a datetime-local input sends: a wall-clock time of the machine the daemon runs on.
				return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
			}
			catch (DateTimeParseException ex2) {
				throw new InvalidParameterException("invalid " + name + " time \"" + text + "\": use RFC 3339");
			}
		}
	}

	private static String blankToNull(String s) {
		return (s == null || s.isBlank()) ? null : s.trim();
	}

}
