package io.berth.dashboard.live;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.berth.dashboard.security.SignedInUser;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;

/**
 * One browser tab's socket and the channels it has open. Pushes come from many threads (events, the log watcher,
 * the stats ticker, terminals); the decorator serialises them and closes a tab that falls 8 MiB behind, so a slow
 * browser never holds up the engine's threads.
 */
final class LiveSession {

	static final int MAX_CHANNELS = 64;

	private static final int SEND_TIME_LIMIT_MS = 10_000;

	private static final int BUFFER_LIMIT = 8 * 1024 * 1024;

	private static final Log logger = LogFactory.getLog(LiveSession.class);

	private final WebSocketSession session;

	private final SignedInUser user;

	private final JsonMapper json;

	private final Map<String, AutoCloseable> channels = new ConcurrentHashMap<>();

	LiveSession(WebSocketSession session, SignedInUser user, JsonMapper json) {
		this.session = new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MS, BUFFER_LIMIT,
				ConcurrentWebSocketSessionDecorator.OverflowStrategy.TERMINATE);
		this.user = user;
		this.json = json;
	}

	SignedInUser user() {
		return this.user;
	}

	boolean isOpen() {
		return this.session.isOpen();
	}

	/** Sends one message; a closed or overflowing socket drops it. */
	void send(Object message) {
		if (!this.session.isOpen()) {
			return;
		}
		try {
			this.session.sendMessage(new TextMessage(this.json.writeValueAsString(message)));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("dropping a push to a closing dashboard socket: " + ex.getMessage());
			closeQuietly(CloseStatus.SESSION_NOT_RELIABLE);
		}
	}

	void error(String channel, String message) {
		send(Map.of("ch", channel, "error", message));
	}

	boolean has(String channel) {
		return this.channels.containsKey(channel);
	}

	int channelCount() {
		return this.channels.size();
	}

	/** What the channel was opened with (a subscription, a terminal), or null. */
	AutoCloseable channel(String channel) {
		return this.channels.get(channel);
	}

	/** How many open channels are of this kind. */
	int count(Class<?> kind) {
		return (int) this.channels.values().stream().filter(kind::isInstance).count();
	}

	void opened(String channel, AutoCloseable subscription) {
		AutoCloseable previous = this.channels.put(channel, subscription);
		close(previous);
	}

	void closeChannel(String channel) {
		close(this.channels.remove(channel));
	}

	void closeAll() {
		for (String ch : this.channels.keySet()) {
			closeChannel(ch);
		}
	}

	void closeQuietly(CloseStatus status) {
		try {
			this.session.close(status);
		}
		catch (IOException | RuntimeException ex) {
			// Already closed.
		}
	}

	private static void close(AutoCloseable c) {
		if (c == null) {
			return;
		}
		try {
			c.close();
		}
		catch (Exception ex) {
			logger.debug("closing a dashboard channel failed: " + ex.getMessage());
		}
	}

}
