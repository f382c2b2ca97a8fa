package io.berth.api.transport;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * An endpoint that takes over the client's connection (Docker's hijack). The front calls {@link #prepare} first: it
 * validates and may throw an {@link io.berth.error.EngineException}, which becomes an ordinary JSON error response.
 * The returned session then runs with the raw connection once the front has answered {@code 101}.
 */
public interface HijackHandler {

	/** The session for this request, or empty when the request is not this handler's. */
	Optional<Session> prepare(HijackRequest request);

	/** A hijacked stream, run on its own thread with the client's connection. */
	interface Session {

		void run(SocketChannel client) throws IOException;

	}

}
