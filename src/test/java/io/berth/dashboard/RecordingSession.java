package io.berth.dashboard;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.berth.dashboard.security.SignedInUser;

import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/** A WebSocket session of a signed-in user, as the handshake leaves it, that records what the server sends. */
final class RecordingSession implements WebSocketSession {

	final List<String> sent = new ArrayList<>();

	private final Map<String, Object> attributes = new HashMap<>();

	private boolean open = true;

	RecordingSession(SignedInUser user) {
		this.attributes.put("berth.user", user);
	}

	@Override
	public String getId() {
		return Integer.toHexString(System.identityHashCode(this));
	}

	@Override
	public URI getUri() {
		return URI.create("ws://localhost/ui/ws");
	}

	@Override
	public HttpHeaders getHandshakeHeaders() {
		return new HttpHeaders();
	}

	@Override
	public Map<String, Object> getAttributes() {
		return this.attributes;
	}

	@Override
	public Principal getPrincipal() {
		return null;
	}

	@Override
	public InetSocketAddress getLocalAddress() {
		return null;
	}

	@Override
	public InetSocketAddress getRemoteAddress() {
		return null;
	}

	@Override
	public String getAcceptedProtocol() {
		return null;
	}

	@Override
	public void setTextMessageSizeLimit(int messageSizeLimit) {
	}

	@Override
	public int getTextMessageSizeLimit() {
		return 0;
	}

	@Override
	public void setBinaryMessageSizeLimit(int messageSizeLimit) {
	}

	@Override
	public int getBinaryMessageSizeLimit() {
		return 0;
	}

	@Override
	public List<WebSocketExtension> getExtensions() {
		return List.of();
	}

	@Override
	public synchronized void sendMessage(WebSocketMessage<?> message) {
		this.sent.add(((TextMessage) message).getPayload());
	}

	@Override
	public boolean isOpen() {
		return this.open;
	}

	@Override
	public void close() {
		this.open = false;
	}

	@Override
	public void close(CloseStatus status) {
		this.open = false;
	}

}
