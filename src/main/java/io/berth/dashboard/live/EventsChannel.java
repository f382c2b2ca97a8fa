package io.berth.dashboard.live;

import java.util.Map;

import io.berth.dashboard.api.EventQuery;
import io.berth.dashboard.api.EventView;
import io.berth.events.EventLog;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/** {@code events}: engine and audit events as they happen, filtered as the timeline's request says. */
@Component
class EventsChannel implements Channel {

	private final EventLog events;

	EventsChannel(EventLog events) {
		this.events = events;
	}

	@Override
	public boolean serves(String channel) {
		return channel.equals("events");
	}

	@Override
	public AutoCloseable open(LiveSession session, String channel, JsonNode request) {
		EventQuery q = EventQuery.parse(Channel.text(request, "type"), Channel.text(request, "action"),
				Channel.text(request, "container"), null, null);
		return this.events.subscribe(q.filter(), (e) -> {
			if (q.matches(e)) {
				session.send(Map.of("ch", channel, "event", EventView.of(e)));
			}
		});
	}

}
