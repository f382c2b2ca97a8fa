package io.berth.volume;

import io.berth.error.NotFoundException;

/** No volume has that name; worded as dockerd's {@code get <name>: no such volume}. */
public class VolumeNotFoundException extends NotFoundException {

	public VolumeNotFoundException(String name) {
		super("get " + name + ": no such volume");
	}

}
