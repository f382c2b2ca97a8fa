package io.berth.api.dockercompat.events;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.berth.api.dockercompat.DockerTimestamp;
import io.berth.api.dockercompat.FilterArgs;
import io.berth.api.transport.ClientConnections;
import io.berth.error.InvalidParameterException;
import io.berth.events.EngineEvent;
import io.berth.events.EventFilter;
import io.berth.events.EventLog;
import io.berth.events.EventSubscription;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /events}: the status line and headers go out at once, then one JSON object per event, each in its own
 * chunk. The stream ends when {@code until} passes (at once if it already has), when the client goes away, or when
 * the client falls too far behind.
 */
@RestController
class EventsController {

	private final EventLog events;

	private final JsonMapper json;

	private final ClientConnections clients;

	EventsController(EventLog events, JsonMapper json, ClientConnections clients) {
		this.events = events;
		this.json = json;
		this.clients = clients;
	}

	/**
	 * Streams on the request thread, flushing the servlet response after each event: headers go out at once and each
	 * event as it happens (async response bodies were not flushed to the client here).
	 */
	@GetMapping("/events")
	void events(@RequestParam(required = false) @Nullable String since,
			@RequestParam(required = false) @Nullable String until,
			@RequestParam(required = false) @Nullable String filters, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		Instant from = DockerTimestamp.parse("since", since);
		Instant to = DockerTimestamp.parse("until", until);
		if (from != null && to != null && to.isBefore(from)) {
			throw new InvalidParameterException(
					"`since` time (" + since + ") cannot be after `until` time (" + until + ")");
		}
		EventFilter filter = new EventFilter(FilterArgs.parse(filters).validate(EventFilter.KEYS).values());
		LinkedBlockingQueue<Optional<EngineEvent>> queue = new LinkedBlockingQueue<>();
		response.setStatus(200);
		response.setContentType("application/json");
		OutputStream out = response.getOutputStream();
		response.flushBuffer();
		try (EventSubscription subscription = this.events.subscribe(filter, from, to,
				(event) -> queue.add(Optional.of(event)))) {
			subscription.ended().thenRun(() -> queue.add(Optional.empty()));
			// Tomcat would see a client that left only when the next event is written, which may be never.
			this.clients.gone(request).thenRun(() -> queue.add(Optional.empty()));
			while (true) {
				Optional<EngineEvent> next = queue.take();
				if (next.isEmpty()) {
					return;
				}
				out.write(line(next.get()));
				response.flushBuffer();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private byte[] line(EngineEvent event) {
		byte[] body = this.json.writeValueAsBytes(EventMessage.of(event));
		byte[] line = new byte[body.length + 1];
		System.arraycopy(body, 0, line, 0, body.length);
		line[body.length] = '\n';
		return line;
	}

}
