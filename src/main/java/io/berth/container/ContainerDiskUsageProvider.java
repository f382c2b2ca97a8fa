package io.berth.container;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.berth.volume.DirectorySize;

import org.springframework.stereotype.Component;

/**
 * The container figures of {@code /info} and {@code docker system df}. A container's {@code SizeRw} is what its
 * writable layer (the overlay upper directory) holds; {@code SizeRootFs} adds its image's layers, as dockerd's
 * overlay2 driver counts them. Image layers never change, so their sizes are computed once.
 */
@Component
class ContainerDiskUsageProvider implements ContainerInventory {

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final Map<Path, Long> layerSizes = new ConcurrentHashMap<>();

	ContainerDiskUsageProvider(ContainerService containers, ContainerLifecycle lifecycle) {
		this.containers = containers;
		this.lifecycle = lifecycle;
	}

	@Override
	public ContainerCounts counts() {
		int running = 0;
		int paused = 0;
		int stopped = 0;
		for (Container c : this.containers.list()) {
			switch (c.getState()) {
				case RUNNING, RESTARTING -> running++;
				case PAUSED -> paused++;
				default -> stopped++;
			}
		}
		return new ContainerCounts(running + paused + stopped, running, paused, stopped);
	}

	@Override
	public List<ContainerDiskUsage> diskUsage() {
		Instant now = Instant.now();
		List<ContainerDiskUsage> out = new ArrayList<>();
		for (Container c : this.containers.list()) {
			long sizeRw = size(this.lifecycle.upperDir(c));
			long image = 0;
			try {
				for (Path layer : this.containers.images().resolve(c.getImageId()).layerDirs()) {
					image += this.layerSizes.computeIfAbsent(layer, ContainerDiskUsageProvider::size);
				}
			}
			catch (RuntimeException ex) {
				// The image is gone (removed with force): the container's own layer is all there is to count.
			}
			List<String> volumes = new ArrayList<>();
			for (MountPlan m : this.containers.mounts(c)) {
				if (m.type().equals("volume")) {
					volumes.add(m.name());
				}
			}
			Map<String, String> labels = new LinkedHashMap<>();
			if (this.containers.config(c).get("Labels") instanceof Map<?, ?> l) {
				l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
			}
			out.add(new ContainerDiskUsage(c.getId(), List.of("/" + c.getName()), c.getImage(), c.getImageId(),
					String.join(" ", this.containers.args(c)), c.getCreated().getEpochSecond(),
					c.getState().dockerName(), ContainerStatus.of(c, now), sizeRw, sizeRw + image, labels, volumes));
		}
		return out;
	}

	/**
	 * The apparent size of a tree as dockerd's {@code directory.Size} counts it: regular files and links by their
	 * length, hard links once, directories and overlay whiteouts (device nodes) as nothing.
	 */
	static long size(Path dir) {
		return DirectorySize.of(dir);
	}

}
