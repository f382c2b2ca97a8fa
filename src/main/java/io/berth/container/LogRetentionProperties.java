package io.berth.container;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long a removed container's log and final state stay readable.
 *
 * @param removedLogRetention the default; an admin may change it from the dashboard, which is then kept in the
 * {@code settings} table (default 7 days; zero keeps nothing)
 */
@ConfigurationProperties("berth.containers")
public record LogRetentionProperties(@DefaultValue("7d") Duration removedLogRetention) {

	public LogRetentionProperties {
		if (removedLogRetention.isNegative()) {
			throw new IllegalArgumentException("berth.containers.removed-log-retention must not be negative");
		}
	}

}
