package io.berth.image;

import io.berth.error.ConflictException;

/** Removing an image or its last reference would pull it from under a container, or from under other tags. */
public class ImageInUseException extends ConflictException {

	public ImageInUseException(String message) {
		super(message);
	}

}
