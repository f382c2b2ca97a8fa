package io.berth.dashboard.security;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The TCP port the dashboard is served on. Requests that arrive on it get the dashboard and nothing else; the
 * Docker API's connector is a unix socket, whose requests never carry this local port.
 */
@Component
class DashboardPort {

	private volatile int port;

	DashboardPort(@Value("${server.port:8080}") int port) {
		this.port = port;
	}

	@EventListener
	void started(WebServerInitializedEvent event) {
		// server.port 0 picks a free port, known only now; the unix-socket connector reports no port of its own.
		int actual = event.getWebServer().getPort();
		if (actual > 0) {
			this.port = actual;
		}
	}

	boolean matches(int localPort) {
		return localPort == this.port;
	}

}
