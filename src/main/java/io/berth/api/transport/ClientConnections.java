package io.berth.api.transport;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Component;

/**
 * The API clients' connections as {@link ApiFront} sees them. Tomcat learns that a client went away only when it next
 * writes to it, so a handler that waits for something to send (the event stream) would wait on for a client that is
 * gone; the front sees the client's end of the connection at once, and tells such handlers through {@link #gone}.
 */
@Component
public class ClientConnections {

	/** The header the front puts on each request it passes to Tomcat; one sent by a client is dropped. */
	static final String HEADER = "X-Berth-Connection";

	private final AtomicLong lastId = new AtomicLong();

	private final Map<Long, CompletableFuture<Void>> open = new ConcurrentHashMap<>();

	/** Registers a new client connection and returns its number. */
	long opened() {
		long id = this.lastId.incrementAndGet();
		this.open.put(id, new CompletableFuture<>());
		return id;
	}

	/** The client has closed its side of the connection, or the connection broke. */
	void closed(long id) {
		CompletableFuture<Void> gone = this.open.remove(id);
		if (gone != null) {
			gone.complete(null);
		}
	}

	/**
	 * Completes once the client that sent the request has closed its side of the connection (at once when it already
	 * has), as Go's HTTP server cancels dockerd's request context; never for a request that did not come through the
	 * front.
	 */
	public CompletionStage<Void> gone(HttpServletRequest request) {
		String header = request.getHeader(HEADER);
		if (header == null || !header.matches("\\d{1,18}")) {
			return new CompletableFuture<Void>().minimalCompletionStage();
		}
		CompletableFuture<Void> gone = this.open.get(Long.parseLong(header));
		return (gone != null) ? gone.minimalCompletionStage() : CompletableFuture.completedStage(null);
	}

}
