package io.berth.system;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.berth.container.ContainerDiskUsage;
import io.berth.container.ContainerInventory;
import io.berth.error.SystemException;
import io.berth.events.EventLog;
import io.berth.host.HostInfo;
import io.berth.image.ImageInventory;
import io.berth.paths.EnginePaths;
import io.berth.volume.VolumeService;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

/** Engine-wide facts for {@code /info} and {@code /system/df}, gathered from the features that own them. */
@Service
public class SystemService {

	private final HostInfo host;

	private final EnginePaths paths;

	private final EventLog events;

	private final VolumeService volumes;

	private final ContainerInventory containers;

	private final ImageInventory images;

	private final String runtimePath;

	private final String id;

	SystemService(HostInfo host, EnginePaths paths, EventLog events, VolumeService volumes,
			ContainerInventory containers, ImageInventory images,
			@Value("${berth.runtime.path:docker-native/build/berth-runtime}") String runtimePath) {
		this.host = host;
		this.paths = paths;
		this.events = events;
		this.volumes = volumes;
		this.containers = containers;
		this.images = images;
		// A bare command name is looked up on PATH by whoever runs it; a relative path is relative to the daemon.
		this.runtimePath = runtimePath.contains("/") ? Path.of(runtimePath).toAbsolutePath().normalize().toString()
				: runtimePath;
		this.id = engineId(paths.dataRoot().resolve("engine-id"));
	}

	public EngineInfo info() {
		return new EngineInfo(this.id, this.containers.counts(), this.images.count(), this.host.cgroupVersion(),
				this.paths.dataRoot(), this.runtimePath, backingFilesystem(), openFiles(),
				ManagementFactory.getThreadMXBean().getThreadCount(), this.events.listenerCount(),
				flag("/proc/sys/net/ipv4/ip_forward"), flag("/proc/sys/net/bridge/bridge-nf-call-iptables"),
				flag("/proc/sys/net/bridge/bridge-nf-call-ip6tables"));
	}

	public DiskUsage diskUsage() {
		List<ContainerDiskUsage> containers = this.containers.diskUsage();
		Map<String, Integer> users = new HashMap<>();
		containers.forEach((c) -> users.merge(c.imageId(), 1, Integer::sum));
		List<ImageDiskUsage> images = this.images.space()
			.stream()
			.map((i) -> new ImageDiskUsage(i.id(), "", i.repoTags(), i.repoDigests(), i.created().getEpochSecond(),
					i.size(), i.sharedSize(), i.labels(), users.getOrDefault(i.id(), 0)))
			.toList();
		return new DiskUsage(this.images.layersSize(), images, containers, this.volumes.diskUsage());
	}

	private String backingFilesystem() {
		try {
			return Files.getFileStore(this.paths.dataRoot()).type();
		}
		catch (IOException ex) {
			return "";
		}
	}

	private static int openFiles() {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return (int) fds.count();
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static boolean flag(String path) {
		try {
			return Files.readString(Path.of(path)).trim().equals("1");
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String engineId(Path file) {
		try {
			if (Files.exists(file)) {
				String existing = Files.readString(file).trim();
				if (!existing.isEmpty()) {
					return existing;
				}
			}
			String id = UUID.randomUUID().toString();
			Files.writeString(file, id + "\n");
			return id;
		}
		catch (IOException ex) {
			throw new SystemException("cannot read or write the engine ID in " + file + ": " + ex.getMessage(), ex);
		}
	}

}
