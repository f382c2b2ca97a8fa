package io.berth.dashboard.live;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.berth.dashboard.security.SignedInUser;
import io.berth.error.EngineException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The dashboard's multiplexed socket: a tab opens channels with {@code sub} (and terminals with {@code exec}), and
 * everything it watches arrives on this one connection, tagged with the channel. See docs/dashboard.md.
 */
@Component
class LiveSocketHandler extends TextWebSocketHandler {

	static final String USER = "berth.user";

	private static final int MAX_TERMINALS = 8;

	/** The largest message a browser may send: terminal input pasted in one go fits. */
	private static final int MAX_MESSAGE = 256 * 1024;

	private static final Log logger = LogFactory.getLog(LiveSocketHandler.class);

	private final List<Channel> channels;

	private final TerminalChannel terminals;

	private final JsonMapper json = JsonMapper.builder().build();

	private final Map<String, LiveSession> sessions = new ConcurrentHashMap<>();

	LiveSocketHandler(List<Channel> channels, TerminalChannel terminals) {
		this.channels = channels;
		this.terminals = terminals;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		session.setTextMessageSizeLimit(MAX_MESSAGE);
		SignedInUser user = (SignedInUser) session.getAttributes().get(USER);
		this.sessions.put(session.getId(), new LiveSession(session, user, this.json));
	}

	@Override
	protected void handleTextMessage(WebSocketSession socket, TextMessage message) {
		LiveSession session = this.sessions.get(socket.getId());
		if (session == null) {
			return;
		}
		JsonNode request;
		try {
			request = this.json.readTree(message.getPayload());
		}
		catch (JacksonException ex) {
			session.error("", "invalid JSON: " + ex.getOriginalMessage());
			return;
		}
		String op = request.path("op").asString("");
		String ch = request.path("ch").asString("");
		if (ch.isEmpty() || ch.length() > 200) {
			session.error(ch, "a request needs a channel name (ch) of at most 200 characters");
			return;
		}
		try {
			switch (op) {
				case "sub" -> subscribe(session, ch, request);
				case "unsub" -> session.closeChannel(ch);
				case "exec" -> exec(session, ch, request);
				case "input" -> terminal(session, ch).input(request.path("data").asString(""));
				case "resize" -> terminal(session, ch).resize(request.path("cols").asInt(80),
						request.path("rows").asInt(24));
				case "close" -> session.closeChannel(ch);
				default -> session.error(ch, "unknown op \"" + op + "\": use sub, unsub, exec, input, resize or close");
			}
		}
		catch (EngineException ex) {
			session.error(ch, ex.getMessage());
		}
		catch (Exception ex) {
			logger.warn("dashboard socket request " + op + " on " + ch + " failed", ex);
			session.error(ch, "failed: " + ex.getMessage());
		}
	}

	private void subscribe(LiveSession session, String ch, JsonNode request) {
		if (!session.has(ch) && session.channelCount() >= LiveSession.MAX_CHANNELS) {
			session.error(ch, "too many channels open on this socket (" + LiveSession.MAX_CHANNELS + ")");
			return;
		}
		for (Channel c : this.channels) {
			if (c.serves(ch)) {
				session.opened(ch, c.open(session, ch, request));
				return;
			}
		}
		session.error(ch, "unknown channel \"" + ch + "\"");
	}

	/** A terminal is one more channel of the session, so it closes with the others. */
	private void exec(LiveSession session, String ch, JsonNode request) {
		if (!ch.startsWith("term:")) {
			session.error(ch, "terminals are opened on channels named term:<n>");
			return;
		}
		if (!session.has(ch) && session.count(TerminalChannel.Terminal.class) >= MAX_TERMINALS) {
			session.error(ch, "too many terminals open on this socket (" + MAX_TERMINALS + ")");
			return;
		}
		session.closeChannel(ch);
		session.opened(ch, this.terminals.open(session, ch, request));
	}

	private static TerminalChannel.Terminal terminal(LiveSession session, String ch) {
		if (!(session.channel(ch) instanceof TerminalChannel.Terminal t)) {
			throw new io.berth.error.NotFoundException("no terminal open on " + ch);
		}
		return t;
	}

	@Override
	public void afterConnectionClosed(WebSocketSession socket, CloseStatus status) {
		LiveSession session = this.sessions.remove(socket.getId());
		if (session != null) {
			session.closeAll();
		}
	}

	@Override
	public void handleTransportError(WebSocketSession socket, Throwable exception) {
		logger.debug("dashboard socket error: " + exception.getMessage());
	}

}
