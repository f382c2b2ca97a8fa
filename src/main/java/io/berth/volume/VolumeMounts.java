package io.berth.volume;

import java.nio.file.Path;

/** What the container feature needs of volumes: the host directory behind a named or anonymous volume. */
public interface VolumeMounts {

	/**
	 * Returns the data directory of the named volume, creating the volume (driver local) if it does not exist yet.
	 * Anonymous volumes get a generated 64-hex name and are labelled so that {@code rm -v} removes them.
	 */
	Path prepare(String name, boolean anonymous);

	/** Removes an anonymous volume when its container is removed with {@code -v}; named volumes stay. */
	void removeAnonymous(String name);

}
