package io.berth.image.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.berth.error.EngineException;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotFoundException;
import io.berth.error.SystemException;
import io.berth.error.UnauthorizedException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to one repository of one registry with one set of credentials. It pings {@code /v2/} once to learn the
 * scheme and the auth challenge, fetches a bearer token for its scope when the registry asks for one, and then
 * adds the {@code Authorization} header to every request to the registry's own host.
 */
final class RegistrySession {

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

	private static final int MAX_REDIRECTS = 5;

	private static final String USER_AGENT = "berth (linux; Docker-compatible)";

	private final RegistryTransport transport;

	private final URI base;

	private final String repository;

	private final RegistryCredentials credentials;

	private final String authorization;

	private RegistrySession(RegistryTransport transport, URI base, String repository,
			RegistryCredentials credentials, String authorization) {
		this.transport = transport;
		this.base = base;
		this.repository = repository;
		this.credentials = credentials;
		this.authorization = authorization;
	}

	/**
	 * Opens a session on the first endpoint of {@code domain} that answers {@code /v2/}.
	 * @param repository the path inside the registry, e.g. {@code library/busybox}
	 * @param actions {@code pull} or {@code pull,push}
	 */
	static RegistrySession open(RegistryTransport transport, String domain, String repository,
			RegistryCredentials credentials, String actions) {
		return open(transport, domain, repository, credentials, actions, List.of());
	}

	/** As {@link #open(RegistryTransport, String, String, RegistryCredentials, String)}, also asking to read
	 * {@code mountFrom} repositories, so blobs can be mounted from them. */
	static RegistrySession open(RegistryTransport transport, String domain, String repository,
			RegistryCredentials credentials, String actions, List<String> mountFrom) {
		return open(transport, domain, transport.endpoints(domain), repository, credentials, actions, mountFrom);
	}

	/** Opens a session on the first of {@code endpoints} that answers. */
	static RegistrySession open(RegistryTransport transport, String domain, List<URI> endpoints, String repository,
			RegistryCredentials credentials, String actions, List<String> mountFrom) {
		Ping ping = ping(transport, domain, endpoints);
		String authorization = null;
		if (ping.challenge() != null) {
			StringBuilder scope = new StringBuilder("repository:" + repository + ":" + actions);
			mountFrom.stream().filter((r) -> !r.equals(repository)).distinct()
				.forEach((r) -> scope.append(" repository:").append(r).append(":pull"));
			authorization = authorize(transport, ping.challenge(), credentials, scope.toString());
		}
		return new RegistrySession(transport, ping.base(), repository, credentials, authorization);
	}

	/**
	 * What {@code GET /v2/} said: the endpoint that answered, and its auth challenge if it wants credentials.
	 *
	 * @param base the working endpoint
	 * @param challenge null when the registry answered 200
	 */
	record Ping(URI base, AuthChallenge challenge) {
	}

	/** Finds the first endpoint that answers {@code /v2/} with 200 or 401, remembering it for the domain. */
	static Ping ping(RegistryTransport transport, String domain, List<URI> endpoints) {
		EngineException last = null;
		for (URI base : endpoints) {
			HttpResponse<byte[]> ping;
			try {
				ping = transport.send(request(base.resolve("/v2/")).GET().build(),
						HttpResponse.BodyHandlers.ofByteArray());
			}
			catch (RegistryTransport.TransportException ex) {
				last = ex;
				continue;
			}
			if (ping.statusCode() != 200 && ping.statusCode() != 401) {
				last = new SystemException("GET \"" + base.resolve("/v2/") + "\": unexpected status "
						+ ping.statusCode() + " " + RegistryErrors.describe(ping.body()));
				continue;
			}
			transport.remember(domain, base);
			if (ping.statusCode() == 200) {
				return new Ping(base, null);
			}
			AuthChallenge challenge = AuthChallenge.choose(ping.headers().allValues("WWW-Authenticate"));
			if (challenge == null) {
				throw new UnauthorizedException("registry " + domain
						+ " requires authentication but offers no supported scheme");
			}
			return new Ping(base, challenge);
		}
		transport.forget(domain);
		throw (last != null) ? last : new SystemException("no endpoint for registry " + domain);
	}

	URI base() {
		return this.base;
	}

	String repository() {
		return this.repository;
	}

	/** A URL of this repository, e.g. {@code manifests/latest} → {@code <base>/v2/<repo>/manifests/latest}. */
	URI url(String suffix) {
		return this.base.resolve("/v2/" + this.repository + "/" + suffix);
	}

	/** Sends a request with the session's credentials; bodies are read by the handler. */
	<T> HttpResponse<T> send(HttpRequest.Builder builder, HttpResponse.BodyHandler<T> handler) {
		if (this.authorization != null) {
			builder.setHeader("Authorization", this.authorization);
		}
		return this.transport.send(builder.build(), handler);
	}

	/**
	 * GETs a URL as a stream, following redirects (blob downloads are often sent to a CDN); the credentials go only
	 * to the registry's own host.
	 */
	HttpResponse<InputStream> stream(URI uri, String... accept) {
		URI target = uri;
		for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
			HttpRequest.Builder b = HttpRequest.newBuilder(target).GET().header("User-Agent", USER_AGENT);
			for (String a : accept) {
				b.header("Accept", a);
			}
			HttpResponse<InputStream> r = sameHost(target) ? send(b, HttpResponse.BodyHandlers.ofInputStream())
					: this.transport.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
			int status = r.statusCode();
			if (status == 301 || status == 302 || status == 303 || status == 307 || status == 308) {
				Optional<String> location = r.headers().firstValue("Location");
				closeQuietly(r.body());
				if (location.isEmpty()) {
					throw new SystemException("GET \"" + target + "\": redirect without a Location");
				}
				target = target.resolve(location.get());
				continue;
			}
			return r;
		}
		throw new SystemException("GET \"" + uri + "\": too many redirects");
	}

	/** Reads a small body fully and closes it, with a size limit against a hostile registry. */
	static byte[] readLimited(InputStream in, long limit, String what) {
		try (InputStream body = in) {
			byte[] bytes = body.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
			if (bytes.length > limit) {
				throw new InvalidParameterException(what + " is larger than " + limit + " bytes");
			}
			return bytes;
		}
		catch (IOException ex) {
			throw new SystemException("cannot read " + what + ": " + ex.getMessage(), ex);
		}
	}

	/** Turns an error response into the exception dockerd would report. */
	static EngineException failure(String what, int status, byte[] body) {
		String detail = RegistryErrors.describe(body);
		return switch (status) {
			case 401 -> new UnauthorizedException(what + ": " + (detail.isEmpty() ? "unauthorized: authentication required"
					: detail));
			case 403 -> new UnauthorizedException(what + ": denied" + (detail.isEmpty() ? "" : ": " + detail));
			case 404 -> new NotFoundException(what + ": " + (detail.isEmpty() ? "not found" : detail));
			default -> new SystemException(what + ": unexpected status " + status + (detail.isEmpty() ? ""
					: ": " + detail));
		};
	}

	static HttpRequest.Builder request(URI uri) {
		return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("User-Agent", USER_AGENT);
	}

	private boolean sameHost(URI uri) {
		return uri.getScheme().equals(this.base.getScheme())
				&& RegistryTransport.authority(uri).equals(RegistryTransport.authority(this.base));
	}

	/** Works out the Authorization header for a challenge: a bearer token for the scope, or Basic credentials. */
	static String authorize(RegistryTransport transport, AuthChallenge challenge, RegistryCredentials credentials,
			String scope) {
		if (challenge.isBasic()) {
			if (!credentials.hasLogin()) {
				// dockerd's words; the registry would refuse every request without them.
				throw new UnauthorizedException("no basic auth credentials");
			}
			return credentials.basic();
		}
		if (!credentials.registryToken().isEmpty()) {
			return "Bearer " + credentials.registryToken();
		}
		String realm = challenge.parameter("realm");
		if (realm.isEmpty()) {
			throw new UnauthorizedException("registry's bearer challenge has no realm");
		}
		return "Bearer " + fetchToken(transport, URI.create(realm), challenge.parameter("service"), scope, credentials);
	}

	private static String fetchToken(RegistryTransport transport, URI realm, String service, String scope,
			RegistryCredentials credentials) {
		HttpRequest.Builder b;
		if (!credentials.identityToken().isEmpty()) {
			String form = "grant_type=refresh_token&client_id=docker&refresh_token="
					+ enc(credentials.identityToken()) + "&service=" + enc(service) + "&scope=" + enc(scope);
			b = request(realm).header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(form));
		}
		else {
			StringBuilder q = new StringBuilder();
			if (!service.isEmpty()) {
				q.append("&service=").append(enc(service));
			}
			for (String one : scope.split(" ")) {
				if (!one.isEmpty()) {
					q.append("&scope=").append(enc(one));
				}
			}
			if (credentials.hasLogin()) {
				q.append("&account=").append(enc(credentials.username()));
			}
			if (q.length() > 0) {
				q.deleteCharAt(0);
			}
			String sep = (realm.getRawQuery() == null) ? "?" : "&";
			b = request(URI.create(realm + sep + q)).GET();
			if (credentials.hasLogin()) {
				b.header("Authorization", credentials.basic());
			}
		}
		HttpResponse<byte[]> r = transport.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
		if (r.statusCode() != 200) {
			throw failure("Get \"" + realm + "\"", r.statusCode(), r.body());
		}
		try {
			JsonNode node = MAPPER.readTree(r.body());
			for (String field : List.of("token", "access_token")) {
				JsonNode t = node.get(field);
				if (t != null && t.isString() && !t.asString().isEmpty()) {
					return t.asString();
				}
			}
		}
		catch (JacksonException ex) {
			// Reported below as a missing token.
		}
		throw new UnauthorizedException("token server " + realm + " returned no token");
	}

	RegistryCredentials credentials() {
		return this.credentials;
	}

	private static String enc(String s) {
		return URLEncoder.encode(s, StandardCharsets.UTF_8);
	}

	static void closeQuietly(InputStream in) {
		try {
			in.close();
		}
		catch (IOException ex) {
			// Nothing to do for a body we are abandoning.
		}
	}

}
