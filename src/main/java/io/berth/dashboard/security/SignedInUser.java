package io.berth.dashboard.security;

import io.berth.users.Role;

import jakarta.servlet.http.HttpServletRequest;

/** The user a dashboard request is made by, as checked against the store at the start of the request. */
public record SignedInUser(String username, Role role) {

	static final String ATTRIBUTE = SignedInUser.class.getName();

	/** The user of a request the security filter let through; only dashboard requests have one. */
	public static SignedInUser of(HttpServletRequest request) {
		Object user = request.getAttribute(ATTRIBUTE);
		if (!(user instanceof SignedInUser u)) {
			throw new IllegalStateException("no signed-in user on " + request.getRequestURI());
		}
		return u;
	}

	public boolean may(Role required) {
		return this.role.allows(required);
	}

}
