package io.berth.api.transport;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.Http11NioProtocol;

import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Adds the Docker API's unix-socket connector to the embedded Tomcat, beside the dashboard's TCP connector. Tomcat
 * listens on a private socket (see {@link InternalSocket}); {@link ApiFront} owns the public one, which this class
 * checks first: a live socket means another daemon, a stale file from a crash is removed.
 */
@Component
class UnixSocketConnector implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {

	/** The name by which filters tell requests that came in on the API socket. */
	static final String ATTRIBUTE = "io.berth.api.socket";

	private final Path socket;

	private final Path internal;

	UnixSocketConnector(ApiProperties properties, InternalSocket internal) {
		this.socket = Path.of(properties.socket());
		this.internal = internal.path();
	}

	@Override
	public void customize(TomcatServletWebServerFactory factory) {
		prepareSocketPath();
		Connector connector = new Connector(Http11NioProtocol.class.getName());
		connector.setProperty("unixDomainSocketPath", this.internal.toString());
		connector.setProperty("unixDomainSocketPathPermissions", "rw-rw----");
		// The hijacked attach and exec streams and the event stream stay open for as long as containers run.
		connector.setProperty("connectionTimeout", "-1");
		connector.setProperty("keepAliveTimeout", "-1");
		// One request per connection: the front looks for attach and exec start only in a connection's first request,
		// so a client that reuses connections (docker-java's pool) must come back on a new one for each.
		connector.setProperty("maxKeepAliveRequests", "1");
		connector.setProperty("maxHttpRequestHeaderSize", "65536");
		connector.setProperty("maxThreads", "400");
		factory.addAdditionalConnectors(connector);
	}

	private void prepareSocketPath() {
		try {
			Files.createDirectories(this.socket.toAbsolutePath().getParent());
			if (Files.exists(this.socket)) {
				if (isListening(this.socket)) {
					StartupFailure.exit("Another daemon is already listening on " + this.socket + ".");
				}
				Files.delete(this.socket);
			}
			// Only now: before that check, the internal socket may be a running daemon's, which would lose its API.
			Files.createDirectories(this.internal.getParent());
			Files.setPosixFilePermissions(this.internal.getParent(), PosixFilePermissions.fromString("rwx------"));
			Files.deleteIfExists(this.internal);
		}
		catch (IOException ex) {
			StartupFailure.exit("Cannot prepare the API socket " + this.socket + ": " + ex.getMessage() + ".");
		}
	}

	private static boolean isListening(Path socket) {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(socket));
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
