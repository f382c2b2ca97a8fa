package io.berth.image;

import io.berth.error.NotFoundException;

/** No image matches a reference; the text is dockerd's, which docker-py matches on. */
public class ImageNotFoundException extends NotFoundException {

	public ImageNotFoundException(String reference) {
		super("No such image: " + reference);
	}

}
