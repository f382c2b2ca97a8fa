package io.berth.dashboard.security;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.berth.users.UserService;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The one gate of the dashboard's port. There it serves the sign-in page, static assets and, to signed-in users,
 * {@code /ui/}; state-changing requests need the session's CSRF token and a same-origin {@code Origin}, as does the
 * WebSocket handshake; anything else, the Docker API included, is not served on that port. On the API's unix
 * socket the dashboard does not exist.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class DashboardSecurityFilter extends OncePerRequestFilter {

	static final String CSRF_HEADER = "X-CSRF-Token";

	static final String CSRF_PARAMETER = "_csrf";

	private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

	private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
			+ "img-src 'self' data:; connect-src 'self'; font-src 'self' data:; object-src 'none'; "
			+ "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

	private final DashboardPort port;

	private final UserService users;

	private final DashboardProperties properties;

	DashboardSecurityFilter(DashboardPort port, UserService users, DashboardProperties properties) {
		this.port = port;
		this.users = users;
		this.properties = properties;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		if (!this.port.matches(request.getLocalPort())) {
			if (isDashboardPath(path)) {
				json(response, 404, "page not found");
				return;
			}
			chain.doFilter(request, response);
			return;
		}
		securityHeaders(response);
		if (path.equals("/") || path.equals("/ui")) {
			response.sendRedirect("/ui/");
			return;
		}
		if (isStatic(path)) {
			if (!SAFE_METHODS.contains(request.getMethod())) {
				json(response, 405, "method not allowed");
				return;
			}
			chain.doFilter(request, response);
			return;
		}
		if (path.equals("/login")) {
			if (SAFE_METHODS.contains(request.getMethod()) || checkForgery(request, response)) {
				chain.doFilter(request, response);
			}
			return;
		}
		if (!isDashboardPath(path)) {
			json(response, 404, "not found: the dashboard is under /ui/; the Docker API is served on its unix socket");
			return;
		}
		Optional<SignedInUser> user = signedIn(request);
		if (user.isEmpty()) {
			refuseAnonymous(request, response, path);
			return;
		}
		boolean handshake = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
		if (handshake && !originAllowed(request, true)) {
			json(response, 403, "the WebSocket's origin is not the dashboard's");
			return;
		}
		if (!SAFE_METHODS.contains(request.getMethod()) && !checkForgery(request, response)) {
			return;
		}
		request.setAttribute(SignedInUser.ATTRIBUTE, user.get());
		chain.doFilter(request, response);
	}

	/** Checks the session's user against the store, so a removed user or a changed role counts at once. */
	private Optional<SignedInUser> signedIn(HttpServletRequest request) {
		String name = SessionKeys.username(request);
		if (name == null) {
			return Optional.empty();
		}
		Optional<SignedInUser> user = this.users.find(name).map((u) -> new SignedInUser(u.username(), u.role()));
		if (user.isEmpty()) {
			HttpSession session = request.getSession(false);
			if (session != null) {
				session.invalidate();
			}
		}
		return user;
	}

	private void refuseAnonymous(HttpServletRequest request, HttpServletResponse response, String path)
			throws IOException {
		boolean page = SAFE_METHODS.contains(request.getMethod()) && !path.startsWith("/ui/api/")
				&& !path.equals("/ui/ws") && !path.equals("/logout");
		if (!page) {
			json(response, 401, "sign in first");
			return;
		}
		String query = request.getQueryString();
		request.getSession(true).setAttribute(SessionKeys.TARGET, path + ((query != null) ? "?" + query : ""));
		response.sendRedirect("/login");
	}

	/** True when the request may change state; otherwise answers 403. */
	private boolean checkForgery(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (!originAllowed(request, false)) {
			json(response, 403, "cross-origin request refused");
			return false;
		}
		String token = request.getHeader(CSRF_HEADER);
		if (token == null) {
			token = request.getParameter(CSRF_PARAMETER);
		}
		if (!SessionKeys.csrfMatches(request, token)) {
			json(response, 403, "missing or wrong CSRF token; reload the page");
			return false;
		}
		return true;
	}

	/**
	 * Browsers always send {@code Origin} on posts and handshakes; a request without one is let through only if it
	 * is not a browser's cross-site request either (no {@code Sec-Fetch-Site} other than same-origin), and the CSRF
	 * token still has to match.
	 */
	private boolean originAllowed(HttpServletRequest request, boolean required) {
		String origin = request.getHeader("Origin");
		if (origin == null) {
			String site = request.getHeader("Sec-Fetch-Site");
			return !required && (site == null || site.equals("same-origin"));
		}
		String normalized = normalize(origin);
		if (normalized == null) {
			return false;
		}
		if (normalized.equals(ownOrigin(request))) {
			return true;
		}
		return this.properties.allowedOrigins().stream().map(DashboardSecurityFilter::normalize)
			.anyMatch(normalized::equals);
	}

	private static String ownOrigin(HttpServletRequest request) {
		String host = request.getHeader("Host");
		return (host == null) ? null : normalize(request.getScheme() + "://" + host);
	}

	/** {@code scheme://host:port} in lower case with the default port made explicit; null when unparsable. */
	static String normalize(String origin) {
		try {
			URI u = new URI(origin.trim());
			if (u.getScheme() == null || u.getHost() == null) {
				return null;
			}
			String scheme = u.getScheme().toLowerCase(Locale.ROOT);
			int port = (u.getPort() != -1) ? u.getPort() : (scheme.equals("https") ? 443 : 80);
			return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + port;
		}
		catch (Exception ex) {
			return null;
		}
	}

	static boolean isDashboardPath(String path) {
		return path.equals("/ui") || path.startsWith("/ui/") || path.equals("/login") || path.equals("/logout")
				|| path.startsWith("/webjars/");
	}

	private static boolean isStatic(String path) {
		return path.startsWith("/ui/assets/") || path.startsWith("/webjars/") || path.equals("/favicon.ico");
	}

	private static void securityHeaders(HttpServletResponse response) {
		response.setHeader("Content-Security-Policy", CSP);
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("Referrer-Policy", "same-origin");
		response.setHeader("X-Frame-Options", "DENY");
	}

	static void json(HttpServletResponse response, int status, String message) throws IOException {
		response.setStatus(status);
		response.setContentType("application/json");
		response.setCharacterEncoding("UTF-8");
		StringBuilder s = new StringBuilder("{\"message\":\"");
		for (char c : message.toCharArray()) {
			if (c == '"' || c == '\\') {
				s.append('\\');
			}
			s.append(c);
		}
		response.getOutputStream().write(s.append("\"}").toString().getBytes(StandardCharsets.UTF_8));
	}

}
