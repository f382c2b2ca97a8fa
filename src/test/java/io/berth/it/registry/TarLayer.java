package io.berth.it.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * One image layer as a list of tar entries, in the order they are given, written gzip'd (as registries serve them)
 * or plain. Whiteouts follow the OCI layer spec: {@code .wh.NAME} deletes NAME, {@code .wh..wh..opq} hides what lower
 * layers hold in its directory.
 */
public final class TarLayer {

	private static final Instant MTIME = Instant.parse("2024-01-01T00:00:00Z");

	private final List<Entry> entries = new ArrayList<>();

	private byte[] base;

	private boolean gzip = true;

	private byte[] built;

	private byte[] compressed;

	private record Entry(TarArchiveEntry header, byte[] content) {
	}

	public static TarLayer create() {
		return new TarLayer();
	}

	/** A layer whose tar is {@code tar} as it is, such as {@link io.berth.it.BusyboxImage#rootfsTar()}. */
	public static TarLayer of(byte[] tar) {
		TarLayer layer = new TarLayer();
		layer.base = tar;
		return layer;
	}

	public TarLayer file(String path, String content) {
		return file(path, content.getBytes(StandardCharsets.UTF_8), 0644, 0, 0, MTIME);
	}

	public TarLayer file(String path, byte[] content) {
		return file(path, content, 0644, 0, 0, MTIME);
	}

	public TarLayer file(String path, byte[] content, int mode, int uid, int gid, Instant mtime) {
		TarArchiveEntry e = header(path, TarArchiveEntry.LF_NORMAL, mode);
		e.setIds(uid, gid);
		e.setModTime(Date.from(mtime));
		e.setSize(content.length);
		return add(e, content);
	}

	/** A regular file carrying extended attributes, written as PAX {@code SCHILY.xattr.NAME} records. */
	public TarLayer fileWithXattrs(String path, String content, Map<String, String> xattrs) {
		byte[] data = content.getBytes(StandardCharsets.UTF_8);
		TarArchiveEntry e = header(path, TarArchiveEntry.LF_NORMAL, 0644);
		e.setSize(data.length);
		xattrs.forEach((name, value) -> e.addPaxHeader("SCHILY.xattr." + name, value));
		return add(e, data);
	}

	public TarLayer dir(String path) {
		return dir(path, 0755);
	}

	public TarLayer dir(String path, int mode) {
		return add(header(path.endsWith("/") ? path : path + "/", TarArchiveEntry.LF_DIR, mode), null);
	}

	public TarLayer symlink(String path, String target) {
		TarArchiveEntry e = header(path, TarArchiveEntry.LF_SYMLINK, 0777);
		e.setLinkName(target);
		return add(e, null);
	}

	/** A hard link to {@code target}, a path from the layer's root as tar writes it. */
	public TarLayer hardlink(String path, String target) {
		TarArchiveEntry e = header(path, TarArchiveEntry.LF_LINK, 0644);
		e.setLinkName(target);
		return add(e, null);
	}

	/** Deletes {@code path} (a file or a whole directory) of the layers below. */
	public TarLayer whiteout(String path) {
		int slash = path.lastIndexOf('/');
		return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), new byte[0]);
	}

	/** Hides everything the layers below hold in {@code dir}; this layer's own entries there stay. */
	public TarLayer opaque(String dir) {
		return file((dir.endsWith("/") ? dir : dir + "/") + ".wh..wh..opq", new byte[0]);
	}

	public TarLayer charDevice(String path, int major, int minor) {
		return device(path, TarArchiveEntry.LF_CHR, major, minor);
	}

	public TarLayer blockDevice(String path, int major, int minor) {
		return device(path, TarArchiveEntry.LF_BLK, major, minor);
	}

	public TarLayer fifo(String path) {
		return add(header(path, TarArchiveEntry.LF_FIFO, 0644), null);
	}

	/** An entry exactly as given, names such as {@code ../x} or {@code /abs} included. */
	public TarLayer raw(TarArchiveEntry entry, byte[] content) {
		return add(entry, content);
	}

	/** Writes the layer as a plain tar instead of gzip. */
	public TarLayer uncompressed() {
		this.gzip = false;
		this.compressed = null;
		return this;
	}

	public boolean gzip() {
		return this.gzip;
	}

	/** The uncompressed tar, whose sha256 is the layer's diff ID. */
	public byte[] tar() {
		if (this.base != null) {
			return this.base;
		}
		if (this.built != null) {
			return this.built;
		}
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
			for (Entry e : this.entries) {
				tar.putArchiveEntry(e.header());
				if (e.content() != null) {
					tar.write(e.content());
				}
				tar.closeArchiveEntry();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.built = buf.toByteArray();
		return this.built;
	}

	/** The bytes a registry stores: {@link #tar()}, gzip'd unless {@link #uncompressed()}. */
	public byte[] blob() {
		if (!this.gzip) {
			return tar();
		}
		if (this.compressed != null) {
			return this.compressed;
		}
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (GzipCompressorOutputStream out = new GzipCompressorOutputStream(buf)) {
			out.write(tar());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.compressed = buf.toByteArray();
		return this.compressed;
	}

	private TarLayer device(String path, byte type, int major, int minor) {
		TarArchiveEntry e = header(path, type, 0600);
		e.setDevMajor(major);
		e.setDevMinor(minor);
		return add(e, null);
	}

	private TarLayer add(TarArchiveEntry header, byte[] content) {
		if (this.base != null) {
			throw new IllegalStateException("a layer made of an existing tar takes no more entries");
		}
		this.entries.add(new Entry(header, content));
		this.built = null;
		this.compressed = null;
		return this;
	}

	private static TarArchiveEntry header(String path, byte type, int mode) {
		TarArchiveEntry e = new TarArchiveEntry(path, type);
		e.setMode(mode);
		e.setModTime(Date.from(MTIME));
		return e;
	}

}
