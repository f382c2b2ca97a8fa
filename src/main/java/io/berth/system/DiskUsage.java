package io.berth.system;

import java.util.List;

import io.berth.container.ContainerDiskUsage;
import io.berth.volume.VolumeDiskUsage;

/** Everything {@code docker system df} reports. */
public record DiskUsage(long layersSize, List<ImageDiskUsage> images, List<ContainerDiskUsage> containers,
		List<VolumeDiskUsage> volumes) {

	public DiskUsage {
		images = List.copyOf(images);
		containers = List.copyOf(containers);
		volumes = List.copyOf(volumes);
	}

}
