package io.berth.image.distribution;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.berth.error.SystemException;
import io.berth.error.UnavailableException;
import io.berth.image.ImageReference;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * HTTP to registries: which base URLs a registry host has, which of them need TLS verification, and one pooled
 * client for each kind. Docker's rules: Docker Hub is {@code https://registry-1.docker.io} behind the configured
 * mirrors; loopback and configured insecure registries are tried over HTTPS without verification and then over
 * plain HTTP; everything else is HTTPS only.
 */
@Component
class RegistryTransport implements DisposableBean {

	static final String DOCKER_HUB_API = "https://registry-1.docker.io";

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

	private final RegistryProperties properties;

	private final ExecutorService executor;

	/** Made on first use: HTTP and TLS classes cost the idle daemon memory that only registry users need. */
	private volatile HttpClient verified;

	private volatile HttpClient unverified;

	/** The base URL that answered for a host, so later sessions skip the HTTPS probe of a plain-HTTP registry. */
	private final Map<String, URI> working = new ConcurrentHashMap<>();

	RegistryTransport(RegistryProperties properties) {
		this.properties = properties;
		AtomicInteger count = new AtomicInteger();
		this.executor = Executors.newCachedThreadPool((r) -> {
			Thread t = new Thread(r, "registry-http-" + count.incrementAndGet());
			t.setDaemon(true);
			return t;
		});
	}

	private HttpClient client(boolean verify) {
		HttpClient c = verify ? this.verified : this.unverified;
		if (c != null) {
			return c;
		}
		synchronized (this) {
			if (verify && this.verified == null) {
				this.verified = builder().build();
			}
			if (!verify && this.unverified == null) {
				this.unverified = builder().sslContext(trustingContext()).build();
			}
			return verify ? this.verified : this.unverified;
		}
	}

	private HttpClient.Builder builder() {
		return HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(CONNECT_TIMEOUT)
			.followRedirects(HttpClient.Redirect.NEVER)
			.executor(this.executor);
	}

	/** The base URLs to try for a registry host, best first. */
	List<URI> endpoints(String domain) {
		List<URI> out = new ArrayList<>();
		if (domain.equals(ImageReference.DOCKER_HUB)) {
			for (String m : this.properties.mirrors()) {
				out.add(URI.create(m.endsWith("/") ? m.substring(0, m.length() - 1) : m));
			}
			out.add(URI.create(DOCKER_HUB_API));
			return out;
		}
		URI known = this.working.get(domain);
		if (known != null) {
			out.add(known);
		}
		URI https = URI.create("https://" + domain);
		if (!out.contains(https)) {
			out.add(https);
		}
		if (isInsecure(domain)) {
			URI http = URI.create("http://" + domain);
			if (!out.contains(http)) {
				out.add(http);
			}
		}
		return out;
	}

	void remember(String domain, URI base) {
		if (!domain.equals(ImageReference.DOCKER_HUB)) {
			this.working.put(domain, base);
		}
	}

	void forget(String domain) {
		this.working.remove(domain);
	}

	/** Whether a host may be reached without TLS verification: loopback, or listed in berth.registry.insecure. */
	boolean isInsecure(String domain) {
		String host = hostOf(domain);
		for (String entry : this.properties.insecure()) {
			String e = entry.toLowerCase(Locale.ROOT);
			if (e.equals(domain.toLowerCase(Locale.ROOT)) || e.equals(host.toLowerCase(Locale.ROOT))) {
				return true;
			}
			if (e.contains("/") && Cidr.parse(e).contains(host)) {
				return true;
			}
		}
		try {
			// Docker resolves the name and treats any loopback address as insecure (127.0.0.0/8, ::1).
			for (InetAddress a : InetAddress.getAllByName(host)) {
				if (a.isLoopbackAddress()) {
					return true;
				}
			}
		}
		catch (UnknownHostException ex) {
			return false;
		}
		return false;
	}

	<T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
		HttpClient client = client(
				!(request.uri().getScheme().equals("https") && isInsecure(authority(request.uri()))));
		try {
			return client.send(request, handler);
		}
		catch (HttpTimeoutException ex) {
			throw new UnavailableException(request.method() + " \"" + request.uri() + "\": timed out");
		}
		catch (IOException ex) {
			throw new TransportException(request, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SystemException(request.method() + " \"" + request.uri() + "\": interrupted");
		}
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

	static String authority(URI uri) {
		return (uri.getPort() < 0) ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
	}

	static String hostOf(String domain) {
		if (domain.startsWith("[")) {
			int end = domain.indexOf(']');
			return (end > 0) ? domain.substring(1, end) : domain;
		}
		int colon = domain.lastIndexOf(':');
		return (colon > 0) ? domain.substring(0, colon) : domain;
	}

	/** A connection-level failure, kept apart so a probe can fall back from HTTPS to HTTP. */
	static final class TransportException extends SystemException {

		TransportException(HttpRequest request, IOException cause) {
			super(describe(request, cause), cause);
		}

		private static String describe(HttpRequest request, IOException cause) {
			String method = request.method().charAt(0) + request.method().substring(1).toLowerCase(Locale.ROOT);
			String why = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
			if (cause instanceof java.net.ConnectException) {
				why = "connect: connection refused";
			}
			return method + " \"" + request.uri() + "\": " + why;
		}

	}

	/** An IPv4 or IPv6 network in CIDR form. */
	record Cidr(byte[] network, int bits) {

		static Cidr parse(String text) {
			int slash = text.indexOf('/');
			try {
				byte[] addr = InetAddress.getByName(text.substring(0, slash)).getAddress();
				int bits = Integer.parseInt(text.substring(slash + 1));
				if (bits < 0 || bits > addr.length * 8) {
					throw new IllegalArgumentException("invalid CIDR " + text);
				}
				return new Cidr(addr, bits);
			}
			catch (UnknownHostException | NumberFormatException ex) {
				throw new IllegalArgumentException("invalid CIDR in berth.registry.insecure: " + text);
			}
		}

		boolean contains(String host) {
			byte[] addr;
			try {
				if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
					return false;
				}
				addr = InetAddress.getByName(host).getAddress();
			}
			catch (UnknownHostException ex) {
				return false;
			}
			if (addr.length != this.network.length) {
				return false;
			}
			for (int i = 0; i < this.bits; i++) {
				int mask = 0x80 >> (i % 8);
				if ((addr[i / 8] & mask) != (this.network[i / 8] & mask)) {
					return false;
				}
			}
			return true;
		}

	}

	/** Insecure registries are reached over HTTPS without checking the certificate, as dockerd does. */
	private static SSLContext trustingContext() {
		TrustManager trustAll = new X509ExtendedTrustManager() {

			@Override
			public void checkClientTrusted(X509Certificate[] chain, String authType) {
			}

			@Override
			public void checkServerTrusted(X509Certificate[] chain, String authType) {
			}

			@Override
			public void checkClientTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
			}

			@Override
			public void checkServerTrusted(X509Certificate[] chain, String authType, java.net.Socket socket) {
			}

			@Override
			public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
			}

			@Override
			public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
			}

			@Override
			public X509Certificate[] getAcceptedIssuers() {
				return new X509Certificate[0];
			}

		};
		try {
			SSLContext ctx = SSLContext.getInstance("TLS");
			ctx.init(null, new TrustManager[] { trustAll }, new SecureRandom());
			return ctx;
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IllegalStateException("cannot create a TLS context", ex);
		}
	}

}
