package io.berth.build.context;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import io.berth.error.InvalidParameterException;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.jspecify.annotations.Nullable;

/**
 * Writes the layer one COPY or ADD makes, as an uncompressed tar, with dockerd's rules:
 * <ul>
 * <li>the destination is relative to the working directory; it is a directory when it ends with {@code /} (or is
 * {@code .}), when there are several sources (several arguments or wildcard matches), or when the image already
 * has a directory there;</li>
 * <li>a directory source copies its contents, never itself; a file copied into a directory keeps its name (the
 * name it was found by, even when that is a symlink to another); a single file otherwise becomes the
 * destination;</li>
 * <li>what is copied is owned by 0:0 or the {@code --chown} owner, has its own mode or the {@code --chmod} mode,
 * and keeps its mtime; symlinks inside a copied directory stay symlinks;</li>
 * <li>missing parents are created with mode 0755; the ones a file copy creates belong to the {@code --chown} owner
 * and the ones a directory copy creates to root, except the destination itself, as in dockerd;</li>
 * <li>with {@code extractArchives} (ADD), a source file that is a tar archive, plain or compressed, is unpacked
 * into the destination instead ({@link AddArchive}).</li>
 * </ul>
 * Which parents exist in the image, and whether the destination is a directory there, only the image can tell:
 * pass a {@link DestinationTree} of it. Without one ({@link DestinationTree#unknown()}) every parent is written as
 * a root-owned 0755 directory entry, which applying the layer turns into new metadata for a directory that
 * existed, and a destination without a trailing {@code /} is a file even when the image has a directory there.
 */
public final class CopyLayer {

	private CopyLayer() {
	}

	/**
	 * {@link #write(OutputStream, SourceTree, List, String, String, Owner, Integer, boolean, DestinationTree)} with
	 * nothing known of the image.
	 */
	public static void write(OutputStream out, SourceTree tree, List<Source> sources, String dest, String workdir,
			@Nullable Owner chown, @Nullable Integer chmod, boolean extractArchives) throws IOException {
		write(out, tree, sources, dest, workdir, chown, chmod, extractArchives, DestinationTree.unknown());
	}

	/**
	 * Writes the layer of a COPY or ADD.
	 * @param out receives the tar; not closed
	 * @param sources what {@link SourceTree#resolve} found in {@code tree}
	 * @param dest the destination as written in the instruction (variables expanded)
	 * @param workdir the stage's working directory; empty means {@code /}
	 * @param chmod the {@code --chmod} mode, {@code 0} to {@code 07777}
	 * @param extractArchives whether local tar archives are unpacked (ADD)
	 * @param below the image the layer goes on
	 * @throws InvalidParameterException when a non-directory of the image or the layer is in the way, or an archive
	 * has a hostile entry
	 */
	public static void write(OutputStream out, SourceTree tree, List<Source> sources, String dest, String workdir,
			@Nullable Owner chown, @Nullable Integer chmod, boolean extractArchives, DestinationTree below)
			throws IOException {
		if (sources.isEmpty()) {
			throw new InvalidParameterException("no source files were specified");
		}
		for (Source source : sources) {
			tree.checkResolvedHere(source);
		}
		checkChmod(chmod);
		Destination d = Destination.of(dest, workdir);
		Owner owner = (chown != null) ? chown : Owner.ROOT;
		LayerTar layer = new LayerTar(out, below);
		boolean intoDirectory = d.directorySyntax() || sources.size() > 1;
		for (Source source : sources) {
			if (source.isDirectory()) {
				copyDirectory(layer, tree, source, d, owner, chmod);
			}
			else if (extractArchives && source.stat().isFile()
					&& AddArchive.isArchive(tree.host(source.resolved()), source.name())) {
				List<String> target = layer.directory(List.of(), d.components(), Owner.ROOT);
				AddArchive.extract(layer, tree.host(source.resolved()), source.name(), target);
			}
			else {
				copyFile(layer, tree, source, d, intoDirectory, owner, chmod);
			}
		}
		layer.finish();
	}

	/**
	 * {@link #writeHeredoc(OutputStream, String, String, String, byte[], Owner, Integer, DestinationTree)} without a
	 * name, so the destination must name the file, and with nothing known of the image.
	 */
	public static void writeHeredoc(OutputStream out, String dest, String workdir, byte[] content,
			@Nullable Owner chown, @Nullable Integer chmod) throws IOException {
		writeHeredoc(out, null, dest, workdir, content, chown, chmod, DestinationTree.unknown());
	}

	/**
	 * Writes the layer of {@code COPY <<EOF dest}: one file, mode 0644 unless {@code --chmod}, owned by 0:0 unless
	 * {@code --chown}.
	 * @param name the heredoc's word ({@code EOF}), the file's name when the destination is a directory; may be
	 * null when the destination names the file
	 */
	public static void writeHeredoc(OutputStream out, @Nullable String name, String dest, String workdir,
			byte[] content, @Nullable Owner chown, @Nullable Integer chmod, DestinationTree below) throws IOException {
		checkChmod(chmod);
		Destination d = Destination.of(dest, workdir);
		Owner owner = (chown != null) ? chown : Owner.ROOT;
		LayerTar layer = new LayerTar(out, below);
		Target target = fileTarget(layer, d, d.directorySyntax(), name, created(layer, owner));
		if (target.name() == null) {
			throw new InvalidParameterException("COPY failed: the heredoc needs a file name, but " + dest
					+ " is a directory");
		}
		List<String> path = new ArrayList<>(target.directory());
		path.add(target.name());
		int mode = (chmod != null) ? chmod : 0644;
		layer.putFile(path, mode, owner, layer.now(), content.length, new ByteArrayInputStream(content));
		layer.finish();
	}

	private static void checkChmod(@Nullable Integer chmod) {
		if (chmod != null && (chmod < 0 || chmod > 07777)) {
			throw new InvalidParameterException("invalid --chmod mode " + Integer.toOctalString(chmod));
		}
	}

	/** A directory's contents into the destination, which is created as dockerd's {@code copyDirectory} does. */
	private static void copyDirectory(LayerTar layer, SourceTree tree, Source source, Destination d, Owner owner,
			@Nullable Integer chmod) throws IOException {
		List<String> target = layer.directory(List.of(), d.parent(), Owner.ROOT);
		if (!d.components().isEmpty()) {
			target = layer.directory(target, List.of(d.last()), created(layer, owner));
		}
		copyChildren(layer, tree, source.resolved(), target, owner, chmod);
	}

	private static void copyChildren(LayerTar layer, SourceTree tree, List<String> from, List<String> to,
			Owner owner, @Nullable Integer chmod) throws IOException {
		for (SourceTree.Child child : tree.children(from)) {
			List<String> target = new ArrayList<>(to);
			target.add(child.name());
			Stat s = child.stat();
			int mode = (chmod != null) ? chmod : s.mode();
			switch (s.type()) {
				case DIRECTORY -> {
					layer.putDirectory(target, mode, owner, s.modified());
					copyChildren(layer, tree, child.path(), target, owner, chmod);
				}
				case FILE -> copyContent(layer, tree, child.path(), target, mode, owner, s);
				case SYMLINK -> layer.putSymlink(target, Files.readSymbolicLink(tree.host(child.path())).toString(),
						owner, s.modified());
				case CHAR_DEVICE -> layer.putDevice(target, TarConstants.LF_CHR, mode, owner, s.modified(),
						s.devMajor(), s.devMinor());
				case BLOCK_DEVICE -> layer.putDevice(target, TarConstants.LF_BLK, mode, owner, s.modified(),
						s.devMajor(), s.devMinor());
				case FIFO -> layer.putDevice(target, TarConstants.LF_FIFO, mode, owner, s.modified(), 0, 0);
				case SOCKET -> {
					// A socket cannot be archived; dockerd's tar leaves it out too.
				}
			}
		}
	}

	/** A single file (or device) to the destination or into it, as dockerd's {@code copyFile} does. */
	private static void copyFile(LayerTar layer, SourceTree tree, Source source, Destination d,
			boolean intoDirectory, Owner owner, @Nullable Integer chmod) throws IOException {
		Target target = fileTarget(layer, d, intoDirectory, source.baseName(), created(layer, owner));
		List<String> path = new ArrayList<>(target.directory());
		path.add(target.name());
		Stat s = source.stat();
		int mode = (chmod != null) ? chmod : s.mode();
		switch (s.type()) {
			case FILE -> copyContent(layer, tree, source.resolved(), path, mode, owner, s);
			case CHAR_DEVICE -> layer.putDevice(path, TarConstants.LF_CHR, mode, owner, s.modified(), s.devMajor(),
					s.devMinor());
			case BLOCK_DEVICE -> layer.putDevice(path, TarConstants.LF_BLK, mode, owner, s.modified(), s.devMajor(),
					s.devMinor());
			case FIFO -> layer.putDevice(path, TarConstants.LF_FIFO, mode, owner, s.modified(), 0, 0);
			default -> throw new InvalidParameterException("COPY failed: " + source.name() + " cannot be copied");
		}
	}

	private static void copyContent(LayerTar layer, SourceTree tree, List<String> from, List<String> to, int mode,
			Owner owner, Stat s) throws IOException {
		try (InputStream in = Files.newInputStream(tree.host(from), StandardOpenOption.READ,
				LinkOption.NOFOLLOW_LINKS)) {
			layer.putFile(to, mode, owner, s.modified(), s.size(), in);
		}
	}

	/** Directories a copy creates belong to the {@code --chown} owner only when the image says they are new. */
	private static Owner created(LayerTar layer, Owner owner) {
		return layer.below().isKnown() ? owner : Owner.ROOT;
	}

	/** Where a single file goes: a directory the layer made sure of, and the file's name in it. */
	private record Target(List<String> directory, @Nullable String name) {

	}

	private static Target fileTarget(LayerTar layer, Destination d, boolean intoDirectory, @Nullable String name,
			Owner created) throws IOException {
		if (intoDirectory || d.components().isEmpty()) {
			return new Target(layer.directory(List.of(), d.components(), created), name);
		}
		List<String> parent = layer.directory(List.of(), d.parent(), created);
		List<String> path = new ArrayList<>(parent);
		path.add(d.last());
		if (layer.isDirectory(path)) {
			return new Target(layer.directory(parent, List.of(d.last()), created), name);
		}
		return new Target(parent, d.last());
	}

	/**
	 * A destination made absolute against the working directory and cleaned.
	 *
	 * @param components the absolute path's components; empty for {@code /}
	 * @param directorySyntax whether it was written as a directory: a trailing {@code /}, or {@code .} or
	 * {@code ..} last
	 */
	private record Destination(List<String> components, boolean directorySyntax) {

		static Destination of(String dest, String workdir) {
			if (dest.indexOf('\0') >= 0 || workdir.indexOf('\0') >= 0) {
				throw new InvalidParameterException("invalid destination " + dest);
			}
			boolean directory = dest.isEmpty() || dest.endsWith("/") || dest.equals(".") || dest.endsWith("/.")
					|| dest.equals("..") || dest.endsWith("/..");
			String base = workdir.isEmpty() ? "/" : workdir;
			String absolute = GoPaths.clean("/" + (dest.startsWith("/") ? dest : base + "/" + dest));
			return new Destination(List.copyOf(GoPaths.split(absolute)), directory);
		}

		List<String> parent() {
			return this.components.isEmpty() ? List.of() : this.components.subList(0, this.components.size() - 1);
		}

		String last() {
			return this.components.get(this.components.size() - 1);
		}

	}

}
