package io.berth.container.archive;

import io.berth.error.InvalidParameterException;

/** A copy that cannot be done as asked: an archive entry leaving its directory, a file where a directory must be. */
public class ArchiveException extends InvalidParameterException {

	public ArchiveException(String message) {
		super(message);
	}

}
