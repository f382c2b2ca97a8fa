package io.berth.dashboard.security;

import io.berth.users.Role;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;

/** Checks {@link RequiresRole} on every dashboard handler before it runs. */
class RoleInterceptor implements HandlerInterceptor {

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws Exception {
		if (!(handler instanceof HandlerMethod method)) {
			return true;
		}
		Object user = request.getAttribute(SignedInUser.ATTRIBUTE);
		if (!(user instanceof SignedInUser u)) {
			// The filter sets a user on every dashboard request it lets through; none here means a handler outside.
			return true;
		}
		Role required = required(method, request.getMethod());
		if (u.may(required)) {
			return true;
		}
		DashboardSecurityFilter.json(response, 403,
				"\"" + u.username() + "\" is a " + u.role().wireName() + "; this needs the " + required.wireName()
						+ " role");
		return false;
	}

	static Role required(HandlerMethod method, String httpMethod) {
		RequiresRole annotation = method.getMethodAnnotation(RequiresRole.class);
		if (annotation == null) {
			annotation = method.getBeanType().getAnnotation(RequiresRole.class);
		}
		if (annotation != null) {
			return annotation.value();
		}
		return (httpMethod.equals("GET") || httpMethod.equals("HEAD")) ? Role.VIEWER : Role.ADMIN;
	}

}
