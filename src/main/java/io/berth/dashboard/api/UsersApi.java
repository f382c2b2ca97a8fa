package io.berth.dashboard.api;

import java.util.List;
import java.util.Map;

import io.berth.dashboard.security.AuditLog;
import io.berth.dashboard.security.Csrf;
import io.berth.dashboard.security.RequiresRole;
import io.berth.dashboard.security.SignedInUser;
import io.berth.users.Role;
import io.berth.users.UserService;
import io.berth.users.UserService.UserView;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Users and roles, for admins; and who the caller is, for everyone. */
@RestController
class UsersApi {

	private final UserService users;

	private final AuditLog audit;

	UsersApi(UserService users, AuditLog audit) {
		this.users = users;
		this.audit = audit;
	}

	/** A user as listed; never the password hash. */
	record UserItem(String username, String role, String createdAt) {

		static UserItem of(UserView u) {
			return new UserItem(u.username(), u.role().wireName(), u.createdAt().toString());
		}

	}

	/** A new user, or the changes to one. */
	record UserForm(String username, String password, String role) {
	}

	@GetMapping("/ui/api/me")
	Map<String, String> me(HttpServletRequest request) {
		SignedInUser me = SignedInUser.of(request);
		return Map.of("username", me.username(), "role", me.role().wireName(), "csrf",
				Csrf.token(request));
	}

	@GetMapping("/ui/api/users")
	@RequiresRole(Role.ADMIN)
	List<UserItem> list() {
		return this.users.list().stream().map(UserItem::of).toList();
	}

	@PostMapping("/ui/api/users")
	@RequiresRole(Role.ADMIN)
	@ResponseStatus(HttpStatus.CREATED)
	UserItem create(HttpServletRequest request, @RequestBody UserForm form) {
		UserItem created = UserItem.of(this.users.create(form.username(), form.password(), Role.parse(form.role())));
		this.audit.record(SignedInUser.of(request).username(), "user.create", created.username(), created.username(),
				"ok, role " + created.role());
		return created;
	}

	@PutMapping("/ui/api/users/{name}")
	@RequiresRole(Role.ADMIN)
	UserItem update(HttpServletRequest request, @PathVariable String name, @RequestBody UserForm form) {
		Role role = (form.role() != null && !form.role().isBlank()) ? Role.parse(form.role()) : null;
		String password = (form.password() != null && !form.password().isEmpty()) ? form.password() : null;
		UserItem updated = UserItem.of(this.users.update(name, role, password));
		this.audit.record(SignedInUser.of(request).username(), "user.update", name, name,
				"ok" + ((role != null) ? ", role " + role.wireName() : "") + ((password != null) ? ", new password" : ""));
		return updated;
	}

	@DeleteMapping("/ui/api/users/{name}")
	@RequiresRole(Role.ADMIN)
	@ResponseStatus(HttpStatus.NO_CONTENT)
	void delete(HttpServletRequest request, @PathVariable String name) {
		this.users.delete(name);
		this.audit.record(SignedInUser.of(request).username(), "user.delete", name, name, "ok");
	}

}
