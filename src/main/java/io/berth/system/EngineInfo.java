package io.berth.system;

import java.nio.file.Path;

import io.berth.container.ContainerCounts;

/**
 * The engine's side of {@code /info}: its identity, object counts, storage and runtime, and a few live numbers.
 *
 * @param id a random ID made once per data root and kept there
 * @param backingFilesystem the type of the filesystem under the data root, e.g. {@code ext4}
 * @param openFiles file descriptors the daemon holds ({@code NFd})
 * @param threads live JVM threads ({@code NGoroutines}, the nearest equivalent)
 * @param eventListeners live event subscriptions ({@code NEventsListener})
 */
public record EngineInfo(String id, ContainerCounts containers, int images, String cgroupVersion, Path dataRoot,
		String runtimePath, String backingFilesystem, int openFiles, int threads, int eventListeners,
		boolean ipv4Forwarding, boolean bridgeNfIptables, boolean bridgeNfIp6tables) {
}
