package io.berth.build.context;

import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import org.jspecify.annotations.Nullable;

/**
 * The image a COPY or ADD layer goes on top of, as far as the layer needs it: whether a destination is an existing
 * directory (dockerd copies into it then), where symlinks such as {@code /lib -> usr/lib} lead, and the metadata of
 * directories the layer must list as parents, so applying the layer keeps their mode and owner.
 */
public interface DestinationTree {

	/**
	 * What is at an absolute path of the image, symlinks followed inside the image; null when nothing is there.
	 * @param absolutePath cleaned, starting with {@code /}
	 */
	@Nullable Entry lookup(String absolutePath);

	/**
	 * Whether lookups tell the truth. When they do not, a directory the layer needs is written as root's, 0755,
	 * whether or not the image has it, and a destination without a trailing {@code /} is a file.
	 */
	default boolean isKnown() {
		return true;
	}

	/** Nothing is known of the image. */
	static DestinationTree unknown() {
		return MountedDestination.UNKNOWN;
	}

	/**
	 * The image whose root filesystem is mounted (read-only) at {@code root}.
	 * @throws IllegalArgumentException when it is not a directory
	 */
	static DestinationTree of(Path root) {
		return new MountedDestination(SourceTree.realDirectory(root));
	}

	/**
	 * An existing path of the image.
	 *
	 * @param path where it really is, after symlinks: absolute and cleaned
	 * @param mode the permission bits ({@code 07777})
	 * @param modified its mtime
	 */
	record Entry(String path, boolean directory, int mode, int uid, int gid, FileTime modified) {

		public Entry {
			if (!path.startsWith("/") || !GoPaths.clean(path).equals(path)) {
				throw new IllegalArgumentException("not an absolute clean path: " + path);
			}
			mode &= 07777;
		}

	}

}
