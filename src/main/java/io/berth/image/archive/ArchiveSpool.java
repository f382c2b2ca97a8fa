package io.berth.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

import io.berth.error.InvalidParameterException;
import io.berth.error.SystemException;
import io.berth.image.layer.LayerStore;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An uploaded archive spooled to a temp directory, because its manifest may come after the layers it lists. Files are
 * stored under generated names, so no entry name ever becomes a host path; symlinks and hardlinks (moby 25 links the
 * legacy layer paths to blobs) are kept as a map and resolved inside the archive.
 */
final class ArchiveSpool implements AutoCloseable {

	private static final int MAX_LINK_HOPS = 16;

	private final Path dir;

	private final Map<String, Path> files = new HashMap<>();

	private final Map<String, String> links = new HashMap<>();

	private ArchiveSpool(Path dir) {
		this.dir = dir;
	}

	/**
	 * Spools every regular file of the tar.
	 * @throws InvalidParameterException when it is not a tar, a name climbs out, or it holds more than
	 * {@code maxSize} bytes
	 */
	static ArchiveSpool read(InputStream tarStream, Path tmp, long maxSize) {
		ArchiveSpool spool;
		try {
			spool = new ArchiveSpool(Files.createTempDirectory(tmp, LayerStore.TEMP_PREFIX + "load-"));
		}
		catch (IOException ex) {
			throw new SystemException("cannot create a temp directory in " + tmp + ": " + ex.getMessage(), ex);
		}
		try {
			spool.fill(tarStream, maxSize);
			return spool;
		}
		catch (RuntimeException | IOException ex) {
			spool.close();
			if (ex instanceof RuntimeException r) {
				throw r;
			}
			throw new InvalidParameterException("invalid archive: " + ex.getMessage());
		}
	}

	private void fill(InputStream tarStream, long maxSize) throws IOException {
		TarArchiveInputStream tar = new TarArchiveInputStream(tarStream, "UTF-8");
		long total = 0;
		int count = 0;
		TarArchiveEntry entry;
		while ((entry = tar.getNextEntry()) != null) {
			String name = clean(entry.getName());
			if (entry.isSymbolicLink()) {
				String target = entry.getLinkName().startsWith("/") ? entry.getLinkName()
						: parent(name) + "/" + entry.getLinkName();
				this.links.put(name, clean(target));
			}
			else if (entry.isLink()) {
				this.links.put(name, clean(entry.getLinkName()));
			}
			else if (entry.isFile()) {
				total += entry.getSize();
				if (total > maxSize) {
					throw new InvalidParameterException("invalid archive: larger than " + maxSize + " bytes at entry "
							+ entry.getName());
				}
				Path file = this.dir.resolve("f" + (count++));
				try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
					tar.transferTo(out);
				}
				this.files.put(name, file);
			}
		}
		// Let the sender finish writing: the CLI reports a broken pipe if the body is cut short.
		tarStream.transferTo(OutputStream.nullOutputStream());
	}

	boolean has(String name) {
		return resolve(clean(name)) != null;
	}

	InputStream open(String name) {
		Path file = resolve(clean(name));
		if (file == null) {
			throw new InvalidParameterException("invalid archive: " + name + " is missing");
		}
		try {
			return Files.newInputStream(file);
		}
		catch (IOException ex) {
			throw new SystemException("cannot read spooled " + name + ": " + ex.getMessage(), ex);
		}
	}

	/** Reads a JSON document or config, refusing one larger than {@code max} (containerd's caps are similar). */
	byte[] read(String name, long max) {
		Path file = resolve(clean(name));
		if (file == null) {
			throw new InvalidParameterException("invalid archive: " + name + " is missing");
		}
		try {
			if (Files.size(file) > max) {
				throw new InvalidParameterException("invalid archive: " + name + " is larger than " + max + " bytes");
			}
			return Files.readAllBytes(file);
		}
		catch (IOException ex) {
			throw new SystemException("cannot read spooled " + name + ": " + ex.getMessage(), ex);
		}
	}

	private Path resolve(String name) {
		String current = name;
		for (int hop = 0; hop <= MAX_LINK_HOPS && current != null; hop++) {
			Path file = this.files.get(current);
			if (file != null) {
				return file;
			}
			current = this.links.get(current);
		}
		return null;
	}

	/** An archive path without {@code ./}, slashes or {@code ..}; one that climbs out of the archive is refused. */
	static String clean(String name) {
		Deque<String> parts = new ArrayDeque<>();
		for (String p : name.split("/")) {
			if (p.isEmpty() || p.equals(".")) {
				continue;
			}
			if (p.equals("..")) {
				if (parts.isEmpty()) {
					throw new InvalidParameterException("invalid archive: entry " + name + " escapes the archive");
				}
				parts.removeLast();
				continue;
			}
			parts.addLast(p);
		}
		return String.join("/", parts);
	}

	private static String parent(String name) {
		int slash = name.lastIndexOf('/');
		return (slash < 0) ? "" : name.substring(0, slash);
	}

	@Override
	public void close() {
		try (java.util.stream.Stream<Path> spooled = Files.list(this.dir)) {
			for (Path f : spooled.toList()) {
				Files.deleteIfExists(f);
			}
			Files.deleteIfExists(this.dir);
		}
		catch (IOException ex) {
			// Left under tmp/ with the img- prefix, which the next start removes.
		}
	}

}
