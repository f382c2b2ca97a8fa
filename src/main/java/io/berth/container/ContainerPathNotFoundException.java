package io.berth.container;

import io.berth.error.NotFoundException;

/** dockerd's 404 for a path that is not in the container; {@code ref} is the container as the client named it. */
public class ContainerPathNotFoundException extends NotFoundException {

	public ContainerPathNotFoundException(String path, String ref) {
		super("Could not find the file " + path + " in container " + ref);
	}

}
