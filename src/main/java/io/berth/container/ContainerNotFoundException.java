package io.berth.container;

import io.berth.error.NotFoundException;

/** dockerd's 404 for an unknown container; {@code docker inspect} relies on it to probe other object types. */
public class ContainerNotFoundException extends NotFoundException {

	public ContainerNotFoundException(String ref) {
		super("No such container: " + ref);
	}

}
