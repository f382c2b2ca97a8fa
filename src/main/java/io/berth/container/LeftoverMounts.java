package io.berth.container;

import java.nio.file.Path;

import jnr.ffi.LibraryLoader;

/**
 * Detaches what a monitor killed with SIGKILL left mounted for a container that has since stopped: the overlay
 * rootfs and the network namespace bind. Without this the container's directory cannot be removed, and the
 * namespace, with its veth, would live on.
 */
final class LeftoverMounts {

	private static final int MNT_DETACH = 2;

	private static final int UMOUNT_NOFOLLOW = 8;

	/** Mounts can stack; a few passes detach any a monitor could have made. */
	private static final int MAX_LAYERS = 8;

	private LeftoverMounts() {
	}

	/** The one libc call needed. */
	public interface LibC {

		int umount2(String target, int flags);

	}

	private static final class Holder {

		static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

	}

	/** Detaches every mount at the path; nothing happens when there is none (umount2 fails with EINVAL). */
	static void detach(Path path) {
		for (int i = 0; i < MAX_LAYERS; i++) {
			if (Holder.LIBC.umount2(path.toString(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0) {
				return;
			}
		}
	}

}
