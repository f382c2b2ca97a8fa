package io.berth.volume;

import java.util.List;

import io.berth.error.ConflictException;

/** A volume that containers still use cannot be removed; worded as dockerd's volume store does. */
public class VolumeInUseException extends ConflictException {

	public VolumeInUseException(String name, List<String> containerIds) {
		super("remove " + name + ": volume is in use - [" + String.join(", ", containerIds) + "]");
	}

}
