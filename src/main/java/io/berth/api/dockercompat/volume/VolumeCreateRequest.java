package io.berth.api.dockercompat.volume;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * The body of {@code POST /volumes/create}, as CLI 28 sends it:
 * {@code {"Driver":"local","DriverOpts":{},"Labels":{"k":"v"},"Name":"v1"}}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record VolumeCreateRequest(@JsonProperty("Name") @Nullable String name, @JsonProperty("Driver") @Nullable String driver,
		@JsonProperty("DriverOpts") @Nullable Map<String, String> driverOpts,
		@JsonProperty("Labels") @Nullable Map<String, String> labels) {
}
