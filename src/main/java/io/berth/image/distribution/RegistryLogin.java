package io.berth.image.distribution;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Locale;

import io.berth.error.InvalidParameterException;
import io.berth.error.UnauthorizedException;
import io.berth.image.ImageReference;

import org.springframework.stereotype.Service;

/**
 * {@code docker login}: checks credentials against a registry without storing them; the CLI keeps them and sends
 * them with each pull and push. As in dockerd, a registry that asks for a bearer token is asked for one with the
 * credentials and no scope, and a Basic one is asked for {@code /v2/} with them.
 */
@Service
public class RegistryLogin {

	private final RegistryTransport transport;

	RegistryLogin(RegistryTransport transport) {
		this.transport = transport;
	}

	/**
	 * @throws UnauthorizedException when the registry refuses the credentials
	 */
	public void login(RegistryCredentials credentials) {
		if (credentials.username().isEmpty()) {
			throw new InvalidParameterException("a username is required to log in");
		}
		String domain = domain(credentials.serverAddress());
		RegistrySession.Ping ping = RegistrySession.ping(this.transport, domain, this.transport.endpoints(domain));
		if (ping.challenge() == null) {
			return;
		}
		if (ping.challenge().isBearer()) {
			RegistrySession.authorize(this.transport, ping.challenge(), credentials, "");
			return;
		}
		URI v2 = ping.base().resolve("/v2/");
		HttpResponse<byte[]> r = this.transport.send(RegistrySession.request(v2).GET()
			.header("Authorization", credentials.basic()).build(), HttpResponse.BodyHandlers.ofByteArray());
		if (r.statusCode() != 200) {
			String reason = (r.statusCode() == 401) ? " Unauthorized" : "";
			throw new UnauthorizedException("login attempt to " + v2 + " failed with status: " + r.statusCode()
					+ reason);
		}
	}

	/** The registry host a server address names: the CLI sends Docker Hub as {@code https://index.docker.io/v1/}. */
	static String domain(String serverAddress) {
		String s = serverAddress.trim().toLowerCase(Locale.ROOT);
		if (s.isEmpty()) {
			return ImageReference.DOCKER_HUB;
		}
		int scheme = s.indexOf("://");
		if (scheme >= 0) {
			s = s.substring(scheme + 3);
		}
		int slash = s.indexOf('/');
		if (slash >= 0) {
			s = s.substring(0, slash);
		}
		if (s.equals("index.docker.io") || s.equals("registry-1.docker.io") || s.equals(ImageReference.DOCKER_HUB)) {
			return ImageReference.DOCKER_HUB;
		}
		return serverAddress.trim().replaceFirst("^[a-zA-Z]+://", "").replaceFirst("/.*$", "");
	}

}
