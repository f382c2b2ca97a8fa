package io.berth.dashboard.api;

import java.util.List;

import io.berth.events.EventLog;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The stored events for the timeline; the live ones come over the WebSocket. */
@RestController
class EventsApi {

	private static final int MAX = 500;

	private final EventLog events;

	EventsApi(EventLog events) {
		this.events = events;
	}

	@GetMapping("/ui/api/events")
	List<EventView> list(@RequestParam(required = false) String type, @RequestParam(required = false) String action,
			@RequestParam(required = false) String container, @RequestParam(required = false) String since,
			@RequestParam(required = false) String until) {
		EventQuery q = EventQuery.parse(type, action, container, since, until);
		return this.events.latest(q.since(), q.until(), q::matches, MAX).stream().map(EventView::of).toList();
	}

}
