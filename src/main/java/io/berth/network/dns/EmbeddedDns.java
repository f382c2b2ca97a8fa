package io.berth.network.dns;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.berth.error.SystemException;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Docker's embedded DNS server: each container that has a registration can resolve the engine's names at
 * 127.0.0.11:53 (UDP and TCP) inside its own network namespace, and any other name through the upstream servers,
 * which are asked from the host's namespace so that they may be the host's loopback resolvers. One thread serves
 * every container.
 */
@Component
public class EmbeddedDns implements DisposableBean {

	/** Where a container reaches the server, in its own network namespace. */
	public static final InetSocketAddress ADDRESS = DnsEndpoint.ADDRESS;

	/** How long an upstream has to answer before the next is asked; glibc's resolver gives up after 5 seconds. */
	private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(2);

	/** Queries upstream at once; beyond them a query gets SERVFAIL, so a flood cannot exhaust file descriptors. */
	private static final int MAX_PENDING = 1024;

	private final Duration attemptTimeout;

	private final int maxPending;

	/** Each key's endpoint; touched only on the loop's thread. */
	private final Map<String, DnsEndpoint> endpoints = new HashMap<>();

	private @Nullable DnsLoop loop;

	public EmbeddedDns() {
		this(ATTEMPT_TIMEOUT, MAX_PENDING);
	}

	EmbeddedDns(Duration attemptTimeout, int maxPending) {
		this.attemptTimeout = attemptTimeout;
		this.maxPending = maxPending;
	}

	/**
	 * Serves DNS at 127.0.0.11:53 in the network namespace {@code netns} (such as {@code /run/netns/NAME} or
	 * {@code /proc/PID/ns/net}) until {@link #close(String)}; the namespace's loopback interface must be up. A
	 * registration already under {@code key} is closed first.
	 * @param upstreams the servers asked, in order, for names that the resolver leaves to them; with none, such
	 * names get SERVFAIL
	 * @throws SystemException if the namespace cannot be entered or the address bound
	 */
	public Registration open(String key, Path netns, DnsResolver resolver, List<InetSocketAddress> upstreams) {
		Objects.requireNonNull(key, "key");
		Objects.requireNonNull(netns, "netns");
		Objects.requireNonNull(resolver, "resolver");
		List<InetSocketAddress> servers = List.copyOf(upstreams);
		for (InetSocketAddress server : servers) {
			if (server.isUnresolved()) {
				throw new IllegalArgumentException("upstream DNS server " + server + " is not an address");
			}
		}
		DnsLoop loop = loop();
		// The old sockets may be in the same namespace, where they hold the address.
		close(key);
		DnsEndpoint.Sockets sockets;
		try {
			sockets = NetworkNamespace.call(netns, DnsEndpoint::bind, DnsEndpoint.Sockets::close);
		}
		catch (IOException ex) {
			throw new SystemException("cannot serve DNS at " + ADDRESS.getHostString() + ":" + ADDRESS.getPort()
					+ " in the network namespace " + netns + ": " + ex.getMessage(), ex);
		}
		DnsEndpoint endpoint = new DnsEndpoint(key, sockets, resolver, servers, loop.selector(), loop.forwarder());
		try {
			loop.call(() -> {
				closeOnLoop(loop, key);
				try {
					endpoint.register();
				}
				catch (IOException | RuntimeException ex) {
					endpoint.close();
					loop.selector().selectNow();
					throw ex;
				}
				this.endpoints.put(key, endpoint);
				return null;
			});
		}
		catch (RuntimeException ex) {
			sockets.close();
			throw ex;
		}
		return new Registration(this, key, endpoint);
	}

	/**
	 * Stops serving DNS for the key, if it is served. When this returns the sockets are closed, so they no longer
	 * keep the container's network namespace, and its interfaces, alive.
	 */
	public void close(String key) {
		DnsLoop loop = currentLoop();
		if (loop != null) {
			loop.call(() -> {
				closeOnLoop(loop, key);
				return null;
			});
		}
	}

	/** Closes every registration and stops the server's thread, as the daemon shuts down. */
	@Override
	public synchronized void destroy() {
		if (this.loop != null) {
			DnsLoop stopping = this.loop;
			this.loop = null;
			try {
				stopping.call(() -> {
					for (String key : List.copyOf(this.endpoints.keySet())) {
						closeOnLoop(stopping, key);
					}
					return null;
				});
			}
			finally {
				stopping.stop();
			}
		}
	}

	private void close(Registration registration) {
		DnsLoop loop = currentLoop();
		if (loop != null) {
			loop.call(() -> {
				if (this.endpoints.get(registration.key) == registration.endpoint) {
					closeOnLoop(loop, registration.key);
				}
				return null;
			});
		}
	}

	private void closeOnLoop(DnsLoop loop, String key) throws IOException {
		DnsEndpoint endpoint = this.endpoints.remove(key);
		if (endpoint != null) {
			endpoint.close();
			// A closed channel's socket is released only when the selector deregisters it, which this does now.
			loop.selector().selectNow();
		}
	}

	private synchronized DnsLoop loop() {
		if (this.loop == null) {
			try {
				this.loop = new DnsLoop(this.attemptTimeout, this.maxPending);
			}
			catch (IOException ex) {
				throw new SystemException("cannot start the embedded DNS server: " + ex.getMessage(), ex);
			}
		}
		return this.loop;
	}

	private synchronized @Nullable DnsLoop currentLoop() {
		return this.loop;
	}

	/** A key being served; closing it stops the serving unless the key has been opened again since. */
	public static final class Registration implements AutoCloseable {

		private final EmbeddedDns dns;

		private final String key;

		private final DnsEndpoint endpoint;

		private Registration(EmbeddedDns dns, String key, DnsEndpoint endpoint) {
			this.dns = dns;
			this.key = key;
			this.endpoint = endpoint;
		}

		public String key() {
			return this.key;
		}

		@Override
		public void close() {
			this.dns.close(this);
		}

		@Override
		public String toString() {
			return "Registration[" + this.key + "]";
		}

	}

}
