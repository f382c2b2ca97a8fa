package io.berth.it.registry;

/**
 * The multi-layer image the pull and push tests share: busybox, a data layer, and an upper layer that rewrites one
 * file, deletes a file and a directory with whiteouts, and makes a directory opaque. What a container of it must see
 * is spelled out here next to how it is built.
 */
public final class LayeredImage {

	/** What the image's default command prints: its Env, WorkingDir and Cmd at work, and the rewritten file. */
	public static final String DEFAULT_OUTPUT = "hello\nnew\n";

	public static final String CMD_JSON = "[\"sh\",\"-c\",\"echo $GREETING; cat rewrite.txt\"]";

	/** What {@link #runListing} prints: no delete.txt, no olddir, and only the upper layer's file in the opaque dir. */
	public static final String LISTING = "hard\nkeep.txt\nlink\nopaque\nrewrite.txt\n--\nnew.txt\n--\nkept\nkept\n";

	private LayeredImage() {
	}

	/** {@code docker run} arguments that list /data and the opaque dir, then read the symlink and the hard link. */
	public static String[] runListing(String ref) {
		return new String[] { "run", "--rm", ref, "sh", "-c",
				"ls -A /data; echo --; ls -A /data/opaque; echo --; cat /data/link /data/hard" };
	}

	/**
	 * The image on top of {@code busybox}, labelled {@code it.image=label}; the label is also written to /it-label so
	 * that images of different labels share no layer but busybox.
	 */
	public static ImageSpec spec(TarLayer busybox, String label) {
		TarLayer data = TarLayer.create()
			.dir("data")
			.file("data/keep.txt", "kept\n")
			.file("data/rewrite.txt", "old\n")
			.file("data/delete.txt", "doomed\n")
			.dir("data/olddir")
			.file("data/olddir/inner.txt", "inner\n")
			.dir("data/opaque")
			.file("data/opaque/old.txt", "hidden\n")
			.dir("data/opaque/sub")
			.symlink("data/link", "keep.txt")
			.hardlink("data/hard", "data/keep.txt")
			.file("it-label", label);
		TarLayer upper = TarLayer.create()
			.dir("data")
			.file("data/rewrite.txt", "new\n")
			.whiteout("data/delete.txt")
			.whiteout("data/olddir")
			.dir("data/opaque")
			.opaque("data/opaque")
			.file("data/opaque/new.txt", "fresh\n");
		return ImageSpec.create()
			.layer(busybox)
			.layer(data)
			.layer(upper)
			.env("GREETING=hello")
			.workingDir("/data")
			.cmd("sh", "-c", "echo $GREETING; cat rewrite.txt")
			.label("it.image", label);
	}

}
