package io.berth.dashboard.security;

import java.util.Optional;

import io.berth.users.UserService;
import io.berth.users.UserService.UserView;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The sign-in form and sign-out; the security filter has already checked the CSRF token and origin of the posts. */
@Controller
class LoginController {

	private final UserService users;

	private final LoginThrottle throttle;

	private final AuditLog audit;

	LoginController(UserService users, LoginThrottle throttle, AuditLog audit) {
		this.users = users;
		this.throttle = throttle;
		this.audit = audit;
	}

	@GetMapping("/login")
	String form(HttpServletRequest request, Model model, @RequestParam(required = false) String error,
			@RequestParam(required = false) String logout) {
		if (SessionKeys.username(request) != null && this.users.find(SessionKeys.username(request)).isPresent()) {
			return "redirect:/ui/";
		}
		model.addAttribute("csrf", SessionKeys.csrfToken(request));
		model.addAttribute("error", error != null);
		model.addAttribute("logout", logout != null);
		model.addAttribute("locked", false);
		return "ui/login";
	}

	@PostMapping("/login")
	String signIn(HttpServletRequest request, HttpServletResponse response, Model model,
			@RequestParam(defaultValue = "") String username, @RequestParam(defaultValue = "") String password) {
		String address = request.getRemoteAddr();
		if (this.throttle.isLocked(address, username)) {
			response.setStatus(429);
			model.addAttribute("csrf", SessionKeys.csrfToken(request));
			model.addAttribute("error", false);
			model.addAttribute("logout", false);
			model.addAttribute("locked", true);
			return "ui/login";
		}
		Optional<UserView> user = this.users.authenticate(username, password);
		if (user.isEmpty()) {
			this.throttle.failed(address, username);
			this.audit.record(username, "login", username, username, "wrong name or password from " + address);
			return "redirect:/login?error";
		}
		this.throttle.succeeded(username);
		HttpSession old = request.getSession(true);
		Object target = old.getAttribute(SessionKeys.TARGET);
		// A new session ID and CSRF token at sign-in, so a session fixed or token seen beforehand is worth nothing.
		request.changeSessionId();
		HttpSession session = request.getSession();
		session.removeAttribute(SessionKeys.CSRF);
		session.removeAttribute(SessionKeys.TARGET);
		session.setAttribute(SessionKeys.USERNAME, user.get().username());
		SessionKeys.csrfToken(request);
		this.audit.record(user.get().username(), "login", user.get().username(), user.get().username(), "ok");
		return "redirect:" + safeTarget(target);
	}

	@PostMapping("/logout")
	String signOut(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			session.invalidate();
		}
		return "redirect:/login?logout";
	}

	/** Only a path of the dashboard itself, so the sign-in cannot be made to redirect elsewhere. */
	private static String safeTarget(Object target) {
		if (target instanceof String t && t.startsWith("/ui/") && !t.startsWith("//") && !t.contains("\\")
				&& !t.startsWith("/ui/api/") && !t.startsWith("/ui/ws")) {
			return t;
		}
		return "/ui/";
	}

}
