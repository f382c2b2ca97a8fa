package io.berth.api.dockercompat.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.api.dockercompat.volume.VolumeResponse;
import io.berth.container.ContainerDiskUsage;
import io.berth.system.DiskUsage;
import io.berth.system.ImageDiskUsage;
import io.berth.system.SystemService;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /system/df}: {@code {"LayersSize":N,"Images":[...],"Containers":[...],"Volumes":[...],"BuildCache":[],
 * "BuilderSize":0}}, where images and containers are list items with sizes and volumes carry {@code UsageData}.
 */
@RestController
class DiskUsageController {

	private final SystemService system;

	DiskUsageController(SystemService system) {
		this.system = system;
	}

	@GetMapping("/system/df")
	Map<String, Object> diskUsage() {
		DiskUsage usage = this.system.diskUsage();
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("LayersSize", usage.layersSize());
		body.put("Images", usage.images().stream().map(DiskUsageController::image).toList());
		body.put("Containers", usage.containers().stream().map(DiskUsageController::container).toList());
		body.put("Volumes", usage.volumes()
			.stream()
			.map((v) -> VolumeResponse.of(v.volume(), new VolumeResponse.UsageData(v.size(), v.refCount())))
			.toList());
		body.put("BuildCache", List.of());
		body.put("BuilderSize", 0);
		return body;
	}

	/** Shaped as an {@code /images/json} item, untagged images with dockerd's {@code <none>} placeholders. */
	private static Map<String, Object> image(ImageDiskUsage i) {
		boolean dangling = i.repoTags().isEmpty();
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("Containers", i.containers());
		m.put("Created", i.created());
		m.put("Id", i.id());
		m.put("Labels", i.labels().isEmpty() ? null : i.labels());
		m.put("ParentId", i.parentId());
		m.put("RepoDigests", dangling ? List.of("<none>@<none>") : i.repoDigests());
		m.put("RepoTags", dangling ? List.of("<none>:<none>") : i.repoTags());
		m.put("SharedSize", i.sharedSize());
		m.put("Size", i.size());
		m.put("VirtualSize", i.size());
		return m;
	}

	private static Map<String, Object> container(ContainerDiskUsage c) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("Id", c.id());
		m.put("Names", c.names());
		m.put("Image", c.image());
		m.put("ImageID", c.imageId());
		m.put("Command", c.command());
		m.put("Created", c.created());
		m.put("Ports", List.of());
		m.put("SizeRw", c.sizeRw());
		m.put("SizeRootFs", c.sizeRootFs());
		m.put("Labels", c.labels());
		m.put("State", c.state());
		m.put("Status", c.status());
		m.put("Mounts", c.volumeNames()
			.stream()
			.map((n) -> Map.of("Type", "volume", "Name", n, "Driver", "local"))
			.toList());
		return m;
	}

}
