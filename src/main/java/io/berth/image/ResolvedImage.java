package io.berth.image;

import java.nio.file.Path;
import java.util.List;

/**
 * An image ready to run: its ID ({@code sha256:...}), its run configuration, and the directories of its unpacked
 * layers, lowest first, ready to be overlay lowerdirs.
 */
public record ResolvedImage(String id, ImageConfig config, List<Path> layerDirs) {

	public ResolvedImage {
		layerDirs = List.copyOf(layerDirs);
	}

}
