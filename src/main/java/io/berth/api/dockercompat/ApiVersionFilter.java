package io.berth.api.dockercompat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Serves every API path both with and without a {@code /v1.NN} prefix, refuses versions outside the supported range
 * as dockerd does, and puts dockerd's identifying headers on every API response, errors included.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ApiVersionFilter extends OncePerRequestFilter {

	private static final Pattern VERSIONED = Pattern.compile("^/v(\\d+\\.\\d+)(/.*)$");

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader("Api-Version", ApiVersion.CURRENT);
		response.setHeader("Ostype", "linux");
		response.setHeader("Docker-Experimental", "false");
		response.setHeader("Server", "Docker/" + ApiVersion.ENGINE_VERSION + " (linux)");
		Matcher m = VERSIONED.matcher(request.getRequestURI());
		if (!m.matches()) {
			chain.doFilter(request, response);
			return;
		}
		String version = m.group(1);
		if (ApiVersion.compare(version, ApiVersion.CURRENT) > 0) {
			reject(response, "client version " + version + " is too new. Maximum supported API version is "
					+ ApiVersion.CURRENT);
			return;
		}
		if (ApiVersion.compare(version, ApiVersion.MINIMUM) < 0) {
			reject(response, "client version " + version + " is too old. Minimum supported API version is "
					+ ApiVersion.MINIMUM + ", please upgrade your client to a newer version");
			return;
		}
		chain.doFilter(new Unversioned(request, m.group(2)), response);
	}

	private static void reject(HttpServletResponse response, String message) throws IOException {
		response.setStatus(400);
		response.setContentType("application/json");
		byte[] body = ("{\"message\":" + JsonText.quote(message) + "}\n").getBytes(StandardCharsets.UTF_8);
		response.setContentLength(body.length);
		response.getOutputStream().write(body);
	}

	/** The request as if it had come without the version prefix. */
	private static final class Unversioned extends HttpServletRequestWrapper {

		private final String path;

		Unversioned(HttpServletRequest request, String path) {
			super(request);
			this.path = path;
		}

		@Override
		public String getRequestURI() {
			return this.path;
		}

		@Override
		public StringBuffer getRequestURL() {
			return new StringBuffer(this.path);
		}

		@Override
		public String getServletPath() {
			return this.path;
		}

		@Override
		public String getPathInfo() {
			return null;
		}

	}

}
