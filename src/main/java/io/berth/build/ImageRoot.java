package io.berth.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

import io.berth.error.SystemException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;

/**
 * An image's filesystem as one read-only directory, for what a build reads from images without running them: the
 * sources of {@code COPY --from}, and whether a WORKDIR exists. Two or more layers are an overlay mount of them all
 * as lower directories; one layer is its own directory; none is an empty one.
 */
final class ImageRoot implements AutoCloseable {

	private static final long MS_RDONLY = 1;

	private static final int MNT_DETACH = 2;

	/** The part of libc a read-only overlay needs. */
	public interface LibC {

		int mount(String source, String target, String type, long flags, String data);

		int umount2(String target, int flags);

	}

	private static final class Holder {

		static final LibC LIBC = LibraryLoader.create(LibC.class).failImmediately().load(Platform.getNativePlatform()
			.getStandardCLibraryName());

	}

	private final Path root;

	private final Path made;

	private final boolean mounted;

	private ImageRoot(Path root, Path made, boolean mounted) {
		this.root = root;
		this.made = made;
		this.mounted = mounted;
	}

	/** Opens the view of layers given lowest first, in a fresh directory under {@code tmp}. */
	static ImageRoot open(List<Path> layerDirs, Path tmp) {
		Path dir;
		try {
			dir = Files.createTempDirectory(tmp, "build-root-");
		}
		catch (IOException ex) {
			throw new SystemException("cannot make a directory under " + tmp + ": " + ex.getMessage(), ex);
		}
		if (layerDirs.isEmpty()) {
			return new ImageRoot(dir, dir, false);
		}
		if (layerDirs.size() == 1) {
			return new ImageRoot(layerDirs.get(0), dir, false);
		}
		List<Path> topFirst = new ArrayList<>(layerDirs);
		Collections.reverse(topFirst);
		String lower = topFirst.stream().map(Path::toString).collect(Collectors.joining(":"));
		if (Holder.LIBC.mount("overlay", dir.toString(), "overlay", MS_RDONLY, "lowerdir=" + lower) != 0) {
			deleteQuietly(dir);
			throw new SystemException("cannot mount the image's layers for the build (errno "
					+ jnr.ffi.LastError.getLastError(jnr.ffi.Runtime.getRuntime(Holder.LIBC)) + ")");
		}
		return new ImageRoot(dir, dir, true);
	}

	Path path() {
		return this.root;
	}

	@Override
	public void close() {
		if (this.mounted) {
			Holder.LIBC.umount2(this.made.toString(), MNT_DETACH);
		}
		deleteQuietly(this.made);
	}

	/** Detaches a mount a crashed daemon may have left on a build directory; nothing happens if there is none. */
	static void unmountQuietly(Path dir) {
		Holder.LIBC.umount2(dir.toString(), MNT_DETACH);
	}

	private static void deleteQuietly(Path dir) {
		try {
			Files.deleteIfExists(dir);
		}
		catch (IOException ex) {
			// Left under tmp/, which the next start empties.
		}
	}

}
