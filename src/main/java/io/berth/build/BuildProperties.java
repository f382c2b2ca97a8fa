package io.berth.build;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on builds.
 *
 * @param maxContextSize the most a build context may hold unpacked, so a runaway context is refused with a message
 * instead of filling the disk (default 4GB)
 */
@ConfigurationProperties("berth.build")
public record BuildProperties(@DefaultValue("4GB") DataSize maxContextSize) {

	public BuildProperties {
		if (maxContextSize.toBytes() <= 0) {
			throw new IllegalArgumentException("berth.build.max-context-size must be positive");
		}
	}

}
