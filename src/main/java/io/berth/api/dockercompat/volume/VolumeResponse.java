package io.berth.api.dockercompat.volume;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.volume.VolumeInfo;
import org.jspecify.annotations.Nullable;

/**
 * A volume on the wire, as in {@code GET /volumes/{name}} and the list:
 * {@code {"CreatedAt":"2026-11-28T06:19:31Z","Driver":"local","Labels":{},
 * "Mountpoint":"/var/lib/berth/volumes/v/_data","Name":"v","Options":null,"Scope":"local"}}. {@code UsageData} appears only in {@code /system/df}.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record VolumeResponse(@JsonProperty("Name") String name, @JsonProperty("Driver") String driver,
		@JsonProperty("Mountpoint") String mountpoint, @JsonProperty("CreatedAt") String createdAt,
		@JsonProperty("Labels") Map<String, String> labels, @JsonProperty("Scope") String scope,
		@JsonProperty("Options") @Nullable Map<String, String> options,
		@JsonProperty("UsageData") @JsonInclude(JsonInclude.Include.NON_NULL) @Nullable UsageData usageData) {

	public static VolumeResponse of(VolumeInfo volume) {
		return of(volume, null);
	}

	public static VolumeResponse of(VolumeInfo volume, @Nullable UsageData usage) {
		return new VolumeResponse(volume.name(), volume.driver(), volume.mountpoint().toString(),
				DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(volume.createdAt().atOffset(ZoneOffset.UTC)),
				volume.labels(), "local", volume.options().isEmpty() ? null : volume.options(), usage);
	}

	/** {@code docker system df}'s view: bytes on disk and how many containers use the volume. */
	public record UsageData(@JsonProperty("Size") long size, @JsonProperty("RefCount") long refCount) {
	}

}
