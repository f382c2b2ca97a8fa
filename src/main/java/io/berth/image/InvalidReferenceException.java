package io.berth.image;

import io.berth.error.InvalidParameterException;

/** A text that is not an image reference, reported with distribution/reference's wording. */
public class InvalidReferenceException extends InvalidParameterException {

	public InvalidReferenceException(String message) {
		super(message);
	}

}
