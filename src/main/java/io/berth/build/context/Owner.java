package io.berth.build.context;

import io.berth.error.InvalidParameterException;

/**
 * The numeric owner {@code --chown} gives what COPY and ADD write; names are resolved against the image before.
 *
 * @param uid the user ID
 * @param gid the group ID
 */
public record Owner(int uid, int gid) {

	/** root:root, what COPY writes without {@code --chown}. */
	public static final Owner ROOT = new Owner(0, 0);

	public Owner {
		if (uid < 0 || gid < 0) {
			throw new InvalidParameterException("invalid owner " + uid + ":" + gid + ": IDs cannot be negative");
		}
	}

}
