package io.berth.dashboard.live;

import tools.jackson.databind.JsonNode;

/** A kind of live channel a tab may open: containers, events, stats, logs or a terminal. */
interface Channel {

	/** Whether this kind serves the channel name, e.g. {@code stats:<id>}. */
	boolean serves(String channel);

	/**
	 * Starts pushing to the session on that channel; what is returned stops it.
	 * @throws io.berth.error.EngineException when the request is refused, which the tab hears as an error
	 */
	AutoCloseable open(LiveSession session, String channel, JsonNode request);

	/** A text field of a request, or null when it is missing or not text. */
	static String text(JsonNode request, String field) {
		JsonNode n = request.path(field);
		return n.isString() ? n.asString() : null;
	}

}
