package io.berth.dashboard.live;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.berth.dashboard.api.DashboardContainers;
import io.berth.dashboard.api.Row;
import io.berth.events.EngineEvent;
import io.berth.events.EventFilter;
import io.berth.events.EventLog;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/** {@code containers}: a container's new row whenever the engine reports a change to it, or its removal. */
@Component
class ContainersChannel implements Channel {

	private static final EventFilter CONTAINER_EVENTS = new EventFilter(Map.of("type", List.of("container")));

	private final EventLog events;

	private final DashboardContainers containers;

	ContainersChannel(EventLog events, DashboardContainers containers) {
		this.events = events;
		this.containers = containers;
	}

	@Override
	public boolean serves(String channel) {
		return channel.equals("containers");
	}

	@Override
	public AutoCloseable open(LiveSession session, String channel, JsonNode request) {
		return this.events.subscribe(CONTAINER_EVENTS, (e) -> push(session, channel, e));
	}

	private void push(LiveSession session, String channel, EngineEvent e) {
		if (e.action().equals("destroy")) {
			session.send(Map.of("ch", channel, "removed", e.actorId()));
			return;
		}
		// The row is read when the event is delivered, so it shows the state the event led to, or a later one.
		Optional<Row> row = this.containers.row(e.actorId());
		row.ifPresent((r) -> session.send(Map.of("ch", channel, "row", r)));
	}

}
