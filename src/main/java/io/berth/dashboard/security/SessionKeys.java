package io.berth.dashboard.security;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/** What the dashboard keeps in a servlet session: the signed-in name, the CSRF token and the page asked for. */
final class SessionKeys {

	static final String USERNAME = "berth.username";

	static final String CSRF = "berth.csrf";

	static final String TARGET = "berth.target";

	private static final SecureRandom RANDOM = new SecureRandom();

	private SessionKeys() {
	}

	/** The session's CSRF token, made with the session. */
	static String csrfToken(HttpServletRequest request) {
		HttpSession session = request.getSession(true);
		synchronized (session) {
			Object token = session.getAttribute(CSRF);
			if (token instanceof String s) {
				return s;
			}
			byte[] bytes = new byte[32];
			RANDOM.nextBytes(bytes);
			String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
			session.setAttribute(CSRF, fresh);
			return fresh;
		}
	}

	static boolean csrfMatches(HttpServletRequest request, String sent) {
		HttpSession session = request.getSession(false);
		Object token = (session != null) ? session.getAttribute(CSRF) : null;
		if (!(token instanceof String expected) || sent == null) {
			return false;
		}
		return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8));
	}

	static String username(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		return (session != null && session.getAttribute(USERNAME) instanceof String s) ? s : null;
	}

}
