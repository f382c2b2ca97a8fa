package io.berth.it.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A token server for the registry's {@code auth: token} mode, on 127.0.0.1: it checks Basic credentials and issues
 * RS256 JWTs granting the scopes asked for, signed by a throwaway key whose self-signed certificate the registry
 * trusts. It records each scope it was asked for, so tests can see the client's side of the Bearer flow.
 */
public final class TokenServer implements AutoCloseable {

	public static final String SERVICE = "berth-it-registry";

	public static final String ISSUER = "berth-it-token-issuer";

	private final HttpServer server;

	private final PrivateKey key;

	private final X509Certificate certificate;

	private final Path certificatePem;

	private final String user;

	private final String password;

	private final List<String> scopesAsked = new CopyOnWriteArrayList<>();

	private TokenServer(Path dir, String user, String password) throws IOException {
		this.user = user;
		this.password = password;
		Path keyPem = dir.resolve("token-key.pem");
		this.certificatePem = dir.resolve("token-cert.pem");
		run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPem.toString(), "-out",
				this.certificatePem.toString(), "-days", "2", "-subj", "/CN=berth-it-token");
		try {
			String pem = Files.readString(keyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
			this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
					Base64.getDecoder().decode(pem)));
			try (var in = Files.newInputStream(this.certificatePem)) {
				this.certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
			}
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IOException("cannot load the token key", ex);
		}
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/token", this::token);
		this.server.start();
	}

	/** Starts a token server that grants every scope to {@code user} with {@code password}, and nothing to others. */
	public static TokenServer start(Path dir, String user, String password) throws IOException {
		return new TokenServer(dir, user, password);
	}

	public String realm() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/token";
	}

	/** The certificate the registry's {@code rootcertbundle} must name. */
	public Path certificate() {
		return this.certificatePem;
	}

	/** Every {@code scope} parameter received, in order. */
	public List<String> scopesAsked() {
		return List.copyOf(this.scopesAsked);
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	private void token(HttpExchange exchange) throws IOException {
		List<String> scopes = new ArrayList<>();
		String account = "";
		String query = exchange.getRequestURI().getRawQuery();
		if (query != null) {
			for (String pair : query.split("&")) {
				int eq = pair.indexOf('=');
				String k = (eq < 0) ? pair : pair.substring(0, eq);
				String v = (eq < 0) ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
				if (k.equals("scope")) {
					scopes.add(v);
				}
				else if (k.equals("account")) {
					account = v;
				}
			}
		}
		this.scopesAsked.addAll(scopes);
		String expected = "Basic " + Base64.getEncoder()
			.encodeToString((this.user + ":" + this.password).getBytes(StandardCharsets.UTF_8));
		if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
			respond(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad credentials\"}]}");
			return;
		}
		respond(exchange, 200, "{\"token\":\"" + jwt(account, scopes) + "\",\"expires_in\":300}");
	}

	private String jwt(String subject, List<String> scopes) throws IOException {
		StringBuilder access = new StringBuilder("[");
		for (String scope : scopes) {
			// repository:<name>:<actions>; names may not contain ':' but a registry host can, so split from the end.
			int last = scope.lastIndexOf(':');
			int first = scope.indexOf(':');
			if (first < 0 || last <= first) {
				continue;
			}
			StringBuilder actions = new StringBuilder();
			for (String a : scope.substring(last + 1).split(",")) {
				actions.append(actions.length() == 0 ? "" : ",").append('"').append(a).append('"');
			}
			access.append(access.length() == 1 ? "" : ",").append("{\"type\":\"").append(scope, 0, first)
				.append("\",\"name\":\"").append(scope, first + 1, last).append("\",\"actions\":[").append(actions)
				.append("]}");
		}
		access.append(']');
		long now = Instant.now().getEpochSecond();
		try {
			String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\""
					+ Base64.getEncoder().encodeToString(this.certificate.getEncoded()) + "\"]}";
			String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"aud\":\"" + SERVICE
					+ "\",\"exp\":" + (now + 300) + ",\"nbf\":" + (now - 30) + ",\"iat\":" + now + ",\"jti\":\""
					+ UUID.randomUUID() + "\",\"access\":" + access + "}";
			String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "."
					+ b64(claims.getBytes(StandardCharsets.UTF_8));
			Signature rs256 = Signature.getInstance("SHA256withRSA");
			rs256.initSign(this.key);
			rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
			return signingInput + "." + b64(rs256.sign());
		}
		catch (java.security.GeneralSecurityException ex) {
			throw new IOException("cannot sign a token", ex);
		}
	}

	private static String b64(byte[] bytes) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private static void run(String... command) {
		try {
			Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
				throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
