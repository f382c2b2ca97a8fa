package io.berth.users;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The dashboard's sign-in settings.
 *
 * @param initialAdminPassword the first admin's password; when empty one is generated, logged once and written to
 * {@code ${berth.data-root}/initial-admin-password}
 * @param loginFailures how many failed sign-ins one address or one name may make within {@code loginWindow}
 * before further attempts are refused (default 5)
 * @param loginWindow the window of that count, and how long the refusal lasts (default 1 minute)
 */
@ConfigurationProperties("berth.security")
public record SecurityProperties(String initialAdminPassword, @DefaultValue("5") int loginFailures,
		@DefaultValue("1m") Duration loginWindow) {

	public SecurityProperties {
		if (loginFailures < 1) {
			throw new IllegalArgumentException("berth.security.login-failures must be at least 1");
		}
		if (loginWindow == null || loginWindow.isNegative() || loginWindow.isZero()) {
			throw new IllegalArgumentException("berth.security.login-window must be positive");
		}
	}

}
