package io.berth.api.dockercompat.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

import io.berth.api.dockercompat.DockerTimestamp;
import io.berth.api.dockercompat.FilterArgs;
import io.berth.error.InvalidParameterException;
import io.berth.events.EngineEvent;
import io.berth.events.EventFilter;
import io.berth.events.EventLog;
import io.berth.events.EventSubscription;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/**
 * {@code GET /events}: the status line and headers go out at once, then one JSON object per event, each in its own
 * chunk. The stream ends when {@code until} passes (at once if it already has), when the client goes away, or when
 * the client falls too far behind.
 */
@RestController
class EventsController {

	/** An async timeout of zero or less means none: the stream lasts as long as the client listens. */
	private static final long NO_TIMEOUT = -1;

	private final EventLog events;

	private final JsonMapper json;

	EventsController(EventLog events, JsonMapper json) {
		this.events = events;
		this.json = json;
	}

	@GetMapping("/events")
	ResponseEntity<ResponseBodyEmitter> events(@RequestParam(required = false) @Nullable String since,
			@RequestParam(required = false) @Nullable String until,
			@RequestParam(required = false) @Nullable String filters) {
		Instant from = DockerTimestamp.parse("since", since);
		Instant to = DockerTimestamp.parse("until", until);
		if (from != null && to != null && to.isBefore(from)) {
			throw new InvalidParameterException(
					"`since` time (" + since + ") cannot be after `until` time (" + until + ")");
		}
		EventFilter filter = new EventFilter(FilterArgs.parse(filters).validate(EventFilter.KEYS).values());
		ResponseBodyEmitter emitter = new ResponseBodyEmitter(NO_TIMEOUT);
		EventSubscription subscription = this.events.subscribe(filter, from, to, (event) -> send(emitter, event));
		subscription.ended().thenRun(emitter::complete);
		emitter.onCompletion(subscription::cancel);
		emitter.onTimeout(subscription::cancel);
		emitter.onError((ex) -> subscription.cancel());
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(emitter);
	}

	private void send(ResponseBodyEmitter emitter, EngineEvent event) {
		byte[] body = this.json.writeValueAsBytes(EventMessage.of(event));
		byte[] line = new byte[body.length + 1];
		System.arraycopy(body, 0, line, 0, body.length);
		line[body.length] = '\n';
		try {
			emitter.send(line, MediaType.APPLICATION_JSON);
		}
		catch (IOException ex) {
			// The client went away; throwing ends the subscription.
			throw new UncheckedIOException(ex);
		}
	}

}
