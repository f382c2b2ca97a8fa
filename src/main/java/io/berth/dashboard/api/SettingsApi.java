package io.berth.dashboard.api;

import java.time.Duration;

import io.berth.container.RemovedContainers;
import io.berth.dashboard.security.AuditLog;
import io.berth.dashboard.security.RequiresRole;
import io.berth.dashboard.security.SignedInUser;
import io.berth.error.InvalidParameterException;
import io.berth.users.Role;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** The settings an admin changes from the dashboard: for now, how long removed containers' logs are kept. */
@RestController
class SettingsApi {

	private final RemovedContainers removed;

	private final AuditLog audit;

	SettingsApi(RemovedContainers removed, AuditLog audit) {
		this.removed = removed;
		this.audit = audit;
	}

	/** The settings as the page edits them. */
	record Settings(Long logRetentionHours) {
	}

	@GetMapping("/ui/api/settings")
	Settings get() {
		return new Settings(this.removed.retention().toHours());
	}

	@PutMapping("/ui/api/settings")
	@RequiresRole(Role.ADMIN)
	Settings put(HttpServletRequest request, @RequestBody Settings settings) {
		if (settings.logRetentionHours() == null) {
			throw new InvalidParameterException("logRetentionHours is required");
		}
		if (settings.logRetentionHours() < 0 || settings.logRetentionHours() > 87_600) {
			throw new InvalidParameterException("logRetentionHours must be between 0 and 87600 (ten years)");
		}
		this.removed.setRetention(Duration.ofHours(settings.logRetentionHours()));
		this.audit.record(SignedInUser.of(request).username(), "settings.update", "", "log retention",
				"ok, " + settings.logRetentionHours() + " h");
		return get();
	}

}
