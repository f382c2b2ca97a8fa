package io.berth.image;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits on what images may bring in.
 *
 * @param maxLayerSize the most one uncompressed layer may hold, tar headers included (default 10GB)
 * @param maxArchiveSize the most a {@code docker load} archive may hold once spooled to disk (default 64GB)
 * @param maxLayers the most layers one image may have, overlay's practical lowerdir limit (default 125)
 */
@ConfigurationProperties("berth.images")
public record ImageProperties(@DefaultValue("10GB") DataSize maxLayerSize,
		@DefaultValue("64GB") DataSize maxArchiveSize, @DefaultValue("125") int maxLayers) {
}
