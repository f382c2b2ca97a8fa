package io.berth.build.context;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.berth.error.InvalidParameterException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * ADD of a local tar archive: its entries go below the destination, as dockerd's {@code UntarPath} puts them, with
 * the archive's modes, owners and mtimes ({@code --chown} and {@code --chmod} do not apply, as in dockerd). Names
 * are cleaned and made relative; one that climbs out of the destination, a relative symlink that points out of
 * it, a hard link to anything but an earlier file of the archive, and whiteout names are refused.
 */
final class AddArchive {

	private static final int BLOCK = 512;

	private final LayerTar layer;

	private final List<String> destination;

	private final String source;

	/** Where each regular file of the archive went, by its cleaned name: the targets hard links may have. */
	private final Map<String, List<String>> files = new HashMap<>();

	private AddArchive(LayerTar layer, List<String> destination, String source) {
		this.layer = layer;
		this.destination = List.copyOf(destination);
		this.source = source;
	}

	/**
	 * Whether the file is a tar, plain or compressed, as dockerd's {@code isArchivePath} decides: its first block,
	 * once decompressed, is a tar header with a valid checksum.
	 */
	static boolean isArchive(Path file, String name) throws IOException {
		try (InputStream raw = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
			byte[] header;
			try {
				header = Decompression.open(raw, "the archive " + name).readNBytes(BLOCK);
			}
			catch (IOException ex) {
				// Looked compressed but is not: an ordinary file.
				return false;
			}
			return header.length == BLOCK && isTarHeader(header);
		}
	}

	/** Go's {@code archive/tar} test: the checksum field matches the unsigned or signed sum of the header. */
	static boolean isTarHeader(byte[] header) {
		String field = new String(header, 148, 8, StandardCharsets.ISO_8859_1).replaceAll("^[ \\x00]+|[ \\x00]+$", "");
		if (field.isEmpty() || !field.matches("[0-7]+") || field.length() > 11) {
			return false;
		}
		long expected = Long.parseLong(field, 8);
		long unsigned = 0;
		long signed = 0;
		boolean zero = true;
		for (int i = 0; i < BLOCK; i++) {
			byte b = (i >= 148 && i < 156) ? (byte) ' ' : header[i];
			unsigned += b & 0xff;
			signed += b;
			zero &= header[i] == 0;
		}
		return !zero && (expected == unsigned || expected == signed);
	}

	/** Writes the archive's entries below {@code destination}, a directory the layer already made sure of. */
	static void extract(LayerTar layer, Path file, String name, List<String> destination) throws IOException {
		try (InputStream raw = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
			InputStream in = Decompression.open(raw, "the archive " + name);
			TarArchiveInputStream tar = new TarArchiveInputStream(in, StandardCharsets.UTF_8.name());
			AddArchive add = new AddArchive(layer, destination, name);
			TarArchiveEntry entry;
			while ((entry = nextEntry(tar, name)) != null) {
				try {
					add.apply(entry, tar);
				}
				catch (EntryRefusedException ex) {
					throw ex;
				}
				catch (InvalidParameterException ex) {
					// The layer refused where the entry would go: say which entry that was.
					throw add.refused(entry.getName(), ex.getMessage());
				}
			}
		}
	}

	private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, String name) throws IOException {
		try {
			return tar.getNextEntry();
		}
		catch (IOException | IllegalArgumentException ex) {
			throw new InvalidParameterException("ADD failed: the archive " + name + " is not a valid tar: "
					+ ex.getMessage(), ex);
		}
	}

	private void apply(TarArchiveEntry entry, TarArchiveInputStream tar) throws IOException {
		String name = entry.getName();
		List<String> parts = relative(name, name);
		byte flag = entry.getLinkFlag();
		boolean regular = flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM
				|| flag == TarConstants.LF_CONTIG || flag == TarConstants.LF_GNUTYPE_SPARSE;
		boolean directory = flag == TarConstants.LF_DIR || (regular && name.endsWith("/"));
		if (parts.isEmpty()) {
			if (!directory) {
				throw refused(name, "names the destination itself but is not a directory");
			}
			// The archive's "." entry: dockerd skips it, the destination exists.
			return;
		}
		for (String part : parts) {
			if (part.startsWith(".wh.")) {
				throw refused(name, "whiteout files (.wh.*) cannot be added");
			}
		}
		List<String> parent = this.layer.directory(this.destination, parts.subList(0, parts.size() - 1), Owner.ROOT);
		List<String> target = new ArrayList<>(parent);
		target.add(parts.get(parts.size() - 1));
		int mode = entry.getMode() & 07777;
		Owner owner = owner(entry);
		FileTime modified = entry.getLastModifiedTime();
		if (modified == null) {
			modified = this.layer.now();
		}
		if (directory) {
			this.layer.putDirectory(target, mode, owner, modified);
		}
		else if (regular) {
			long size = entry.isSparse() ? entry.getRealSize() : entry.getSize();
			this.layer.putFile(target, mode, owner, modified, size, tar);
			this.files.put(String.join("/", parts), target);
		}
		else if (flag == TarConstants.LF_SYMLINK) {
			String link = entry.getLinkName();
			if (link != null && !link.startsWith("/")) {
				String base = String.join("/", parts.subList(0, parts.size() - 1));
				String joined = GoPaths.clean(base.isEmpty() ? link : base + "/" + link);
				if (joined.equals("..") || joined.startsWith("../")) {
					throw refused(name, "symlink to " + link + " points outside the destination");
				}
			}
			this.layer.putSymlink(target, (link == null) ? "" : link, owner, modified);
		}
		else if (flag == TarConstants.LF_LINK) {
			String link = (entry.getLinkName() == null) ? "" : entry.getLinkName();
			List<String> linked = this.files.get(String.join("/", relative(name, link)));
			if (linked == null) {
				throw refused(name, "hard link to " + link + ", which is not a file earlier in the archive");
			}
			this.layer.putHardlink(target, linked, owner, modified);
		}
		else if (flag == TarConstants.LF_CHR || flag == TarConstants.LF_BLK || flag == TarConstants.LF_FIFO) {
			this.layer.putDevice(target, flag, mode, owner, modified, entry.getDevMajor(), entry.getDevMinor());
		}
		else {
			throw refused(name, "unhandled tar header type " + (char) flag);
		}
	}

	/** A name cleaned as dockerd cleans it, relative to the destination; climbing out of it is refused. */
	private List<String> relative(String entry, String name) {
		if (name.indexOf('\0') >= 0) {
			throw refused(entry, "NUL byte in a name");
		}
		String cleaned = GoPaths.clean(name);
		while (cleaned.startsWith("/")) {
			cleaned = GoPaths.clean(cleaned.substring(1));
		}
		if (cleaned.equals("..") || cleaned.startsWith("../")) {
			throw refused(entry, "path escapes the destination");
		}
		return GoPaths.split(cleaned);
	}

	private Owner owner(TarArchiveEntry entry) {
		long uid = entry.getLongUserId();
		long gid = entry.getLongGroupId();
		if (uid < 0 || gid < 0 || uid > Integer.MAX_VALUE || gid > Integer.MAX_VALUE) {
			throw refused(entry.getName(), "owner " + uid + ":" + gid + " out of range");
		}
		return new Owner((int) uid, (int) gid);
	}

	private EntryRefusedException refused(String entry, String why) {
		return new EntryRefusedException("ADD failed: invalid entry \"" + entry + "\" in the archive " + this.source
				+ ": " + why);
	}

	/** An archive entry refused, its name already in the message. */
	private static final class EntryRefusedException extends InvalidParameterException {

		EntryRefusedException(String message) {
			super(message);
		}

	}

}
