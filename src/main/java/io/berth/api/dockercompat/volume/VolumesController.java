package io.berth.api.dockercompat.volume;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.api.dockercompat.FilterArgs;
import io.berth.api.dockercompat.QueryParams;
import io.berth.volume.VolumePruneResult;
import io.berth.volume.VolumeService;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code /volumes}: create, list, inspect, remove and prune local volumes. */
@RestController
class VolumesController {

	private final VolumeService volumes;

	VolumesController(VolumeService volumes) {
		this.volumes = volumes;
	}

	@PostMapping("/volumes/create")
	ResponseEntity<VolumeResponse> create(@RequestBody(required = false) @Nullable VolumeCreateRequest request) {
		VolumeCreateRequest r = (request != null) ? request : new VolumeCreateRequest(null, null, null, null);
		return ResponseEntity.status(HttpStatus.CREATED)
			.body(VolumeResponse.of(this.volumes.create(r.name(), r.driver(), orEmpty(r.driverOpts()),
					orEmpty(r.labels()))));
	}

	@GetMapping("/volumes")
	VolumeListResponse list(@RequestParam(required = false) @Nullable String filters) {
		return new VolumeListResponse(
				this.volumes.list(FilterArgs.parse(filters).values()).stream().map(VolumeResponse::of).toList(),
				List.of());
	}

	@GetMapping("/volumes/{name}")
	VolumeResponse inspect(@PathVariable String name) {
		return VolumeResponse.of(this.volumes.inspect(name));
	}

	@DeleteMapping("/volumes/{name}")
	ResponseEntity<Void> remove(@PathVariable String name, @RequestParam(required = false) @Nullable String force) {
		this.volumes.remove(name, QueryParams.bool(force));
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/volumes/prune")
	VolumePruneResponse prune(@RequestParam(required = false) @Nullable String filters) {
		VolumePruneResult result = this.volumes.prune(FilterArgs.parse(filters).values());
		return new VolumePruneResponse(result.deleted(), result.spaceReclaimed());
	}

	private static Map<String, String> orEmpty(@Nullable Map<String, String> map) {
		return (map != null) ? map : Map.of();
	}

	/** {@code {"Volumes":[...],"Warnings":[]}}. */
	record VolumeListResponse(@JsonProperty("Volumes") List<VolumeResponse> volumes,
			@JsonProperty("Warnings") List<String> warnings) {
	}

	/** {@code {"VolumesDeleted":[...],"SpaceReclaimed":N}}. */
	record VolumePruneResponse(@JsonProperty("VolumesDeleted") List<String> volumesDeleted,
			@JsonProperty("SpaceReclaimed") long spaceReclaimed) {
	}

}
