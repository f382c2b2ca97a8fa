package io.berth.image;

import java.util.Optional;

/**
 * Tells the image feature whether a container uses an image, so that removal can refuse with 409. Implemented by the
 * container feature, which keeps the dependency pointing from containers to images.
 */
public interface ImageUsage {

	/** The ID of a container that uses the image, if any. */
	Optional<String> containerUsing(String imageId);

}
