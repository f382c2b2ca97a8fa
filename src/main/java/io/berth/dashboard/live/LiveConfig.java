package io.berth.dashboard.live;

import java.util.Map;

import io.berth.dashboard.security.SignedInUser;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * The dashboard's one WebSocket, {@code /ui/ws}. The security filter has already refused handshakes without a
 * session or from another origin; here the signed-in user is carried into the socket's attributes.
 */
@Configuration
@EnableWebSocket
class LiveConfig implements WebSocketConfigurer {

	private final LiveSocketHandler handler;

	LiveConfig(LiveSocketHandler handler) {
		this.handler = handler;
	}

	@Override
	public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
		registry.addHandler(this.handler, "/ui/ws").addInterceptors(new UserHandshake());
	}

	private static final class UserHandshake implements HandshakeInterceptor {

		@Override
		public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
				WebSocketHandler wsHandler, Map<String, Object> attributes) {
			if (!(request instanceof ServletServerHttpRequest servlet)) {
				return false;
			}
			HttpServletRequest http = servlet.getServletRequest();
			if (http.getAttribute(SignedInUser.class.getName()) == null) {
				return false;
			}
			attributes.put(LiveSocketHandler.USER, SignedInUser.of(http));
			return true;
		}

		@Override
		public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler wsHandler,
				Exception exception) {
		}

	}

}
