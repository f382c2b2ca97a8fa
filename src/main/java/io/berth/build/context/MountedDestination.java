package io.berth.build.context;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.berth.error.SystemException;
import org.jspecify.annotations.Nullable;

/** An image's root filesystem mounted at a directory; answers are cached, the mount being read-only. */
final class MountedDestination implements DestinationTree {

	/** The image nothing is known of. */
	static final DestinationTree UNKNOWN = new DestinationTree() {

		@Override
		public DestinationTree.@Nullable Entry lookup(String absolutePath) {
			return null;
		}

		@Override
		public boolean isKnown() {
			return false;
		}

		@Override
		public String toString() {
			return "DestinationTree.unknown()";
		}

	};

	private final Path root;

	private final Map<String, Optional<DestinationTree.Entry>> cache = new HashMap<>();

	MountedDestination(Path root) {
		this.root = root;
	}

	@Override
	public DestinationTree.@Nullable Entry lookup(String absolutePath) {
		return this.cache.computeIfAbsent(GoPaths.clean("/" + absolutePath), this::find).orElse(null);
	}

	private Optional<DestinationTree.Entry> find(String path) {
		try {
			Scoped.Resolved r = Scoped.resolve(this.root, path, true, Scoped.Visibility.ALL);
			if (r == null) {
				return Optional.empty();
			}
			Stat s = r.stat();
			return Optional.of(new DestinationTree.Entry("/" + String.join("/", r.path()), s.isDirectory(), s.mode(),
					s.uid(), s.gid(), s.modified()));
		}
		catch (IOException ex) {
			throw new SystemException("cannot look up " + path + " in the image: " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return "DestinationTree.of(" + this.root + ")";
	}

}
