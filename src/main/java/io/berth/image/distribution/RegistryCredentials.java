package io.berth.image.distribution;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.berth.error.InvalidParameterException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a client sends in {@code X-Registry-Auth} (base64url of a JSON AuthConfig) or in the body of {@code /auth}.
 * Empty fields mean anonymous access.
 *
 * @param username user name for Basic auth or the token server
 * @param password its password
 * @param identityToken an OAuth refresh token from an earlier login, used instead of the password
 * @param registryToken a bearer token to send as is
 * @param serverAddress the registry the client meant these for, as the user typed it
 */
public record RegistryCredentials(String username, String password, String identityToken, String registryToken,
		String serverAddress) {

	public static final RegistryCredentials ANONYMOUS = new RegistryCredentials("", "", "", "", "");

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	public RegistryCredentials {
		username = (username != null) ? username : "";
		password = (password != null) ? password : "";
		identityToken = (identityToken != null) ? identityToken : "";
		registryToken = (registryToken != null) ? registryToken : "";
		serverAddress = (serverAddress != null) ? serverAddress : "";
	}

	/** Decodes the {@code X-Registry-Auth} header; a missing or empty header is anonymous. */
	public static RegistryCredentials fromHeader(String header) {
		if (header == null || header.isBlank()) {
			return ANONYMOUS;
		}
		byte[] json;
		try {
			// The CLI sends base64url; older clients send standard base64, with or without padding.
			String text = header.trim().replace('+', '-').replace('/', '_');
			json = Base64.getUrlDecoder().decode(text.replace("=", ""));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidParameterException("invalid X-Registry-Auth header: not base64");
		}
		return fromJson(json);
	}

	/** Parses an AuthConfig JSON document. */
	public static RegistryCredentials fromJson(byte[] json) {
		if (json.length == 0) {
			return ANONYMOUS;
		}
		JsonNode node;
		try {
			node = MAPPER.readTree(json);
		}
		catch (JacksonException ex) {
			throw new InvalidParameterException("invalid registry credentials: " + ex.getOriginalMessage());
		}
		if (node == null || !node.isObject()) {
			return ANONYMOUS;
		}
		String username = text(node, "username");
		String password = text(node, "password");
		String auth = text(node, "auth");
		if (username.isEmpty() && !auth.isEmpty()) {
			// "auth" is base64("user:password"), as config.json stores it.
			String pair;
			try {
				pair = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidParameterException("invalid registry credentials: auth is not base64");
			}
			int colon = pair.indexOf(':');
			if (colon > 0) {
				username = pair.substring(0, colon);
				password = pair.substring(colon + 1);
			}
		}
		return new RegistryCredentials(username, password, text(node, "identitytoken"), text(node, "registrytoken"),
				text(node, "serveraddress"));
	}

	private static String text(JsonNode node, String field) {
		for (var e : node.properties()) {
			// Clients differ in case: the CLI sends "username", docker-py "Username" in places.
			if (e.getKey().equalsIgnoreCase(field) && e.getValue().isString()) {
				return e.getValue().asString();
			}
		}
		return "";
	}

	public boolean hasLogin() {
		return !this.username.isEmpty() && (!this.password.isEmpty() || !this.identityToken.isEmpty());
	}

	/** The value of an HTTP Basic {@code Authorization} header. */
	String basic() {
		String pair = this.username + ":" + this.password;
		return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public String toString() {
		return "RegistryCredentials[" + (hasLogin() ? this.username : "anonymous") + "]";
	}

}
