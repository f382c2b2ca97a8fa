package io.berth.dashboard.security;

import jakarta.servlet.http.HttpServletRequest;

/** The session's CSRF token, for pages to embed and for the JSON endpoint that tells scripts who they are. */
public final class Csrf {

	private Csrf() {
	}

	public static String token(HttpServletRequest request) {
		return SessionKeys.csrfToken(request);
	}

}
