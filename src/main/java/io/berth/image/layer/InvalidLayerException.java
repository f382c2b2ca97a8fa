package io.berth.image.layer;

import io.berth.error.InvalidParameterException;

/** A layer that Berth refuses to unpack, naming the offending tar entry. */
public class InvalidLayerException extends InvalidParameterException {

	public InvalidLayerException(String message) {
		super(message);
	}

	static InvalidLayerException entry(String entry, String reason) {
		return new InvalidLayerException("invalid layer: refusing entry \"" + entry + "\": " + reason);
	}

}
