package io.berth.build.context;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/** Hand-made tars for the build context tests, hostile ones included, and a reader for the layers written. */
final class Tars {

	/** Writes entries into a tar being built. */
	interface Body {

		void write(TarArchiveOutputStream tar) throws IOException;

	}

	/** One entry of a tar read back: type letter (f, d, l, h, c, p), mode bits, owner, and content or link. */
	record Entry(String name, char type, int mode, long uid, long gid, String value, FileTime modified) {

	}

	private Tars() {
	}

	static byte[] tar(Body body) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf, StandardCharsets.UTF_8.name())) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
			body.write(tar);
		}
		return buf.toByteArray();
	}

	static byte[] gzip(byte[] data) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (OutputStream out = new GZIPOutputStream(buf)) {
			out.write(data);
		}
		return buf.toByteArray();
	}

	static byte[] bzip2(byte[] data) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (OutputStream out = new BZip2CompressorOutputStream(buf)) {
			out.write(data);
		}
		return buf.toByteArray();
	}

	static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
		file(tar, name, content, 0644);
	}

	static void file(TarArchiveOutputStream tar, String name, String content, int mode) throws IOException {
		byte[] data = content.getBytes(StandardCharsets.UTF_8);
		TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
		e.setMode(0100000 | mode);
		e.setSize(data.length);
		e.setModTime(1_600_000_000_000L);
		tar.putArchiveEntry(e);
		tar.write(data);
		tar.closeArchiveEntry();
	}

	static void dir(TarArchiveOutputStream tar, String name, int mode) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true);
		e.setMode(040000 | mode);
		e.setModTime(1_500_000_000_000L);
		tar.putArchiveEntry(e);
		tar.closeArchiveEntry();
	}

	static void link(TarArchiveOutputStream tar, String name, byte type, String target) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name, type, true);
		e.setLinkName(target);
		tar.putArchiveEntry(e);
		tar.closeArchiveEntry();
	}

	static void device(TarArchiveOutputStream tar, String name, byte type) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name, type, true);
		e.setMode(0666);
		e.setDevMajor(1);
		e.setDevMinor(3);
		tar.putArchiveEntry(e);
		tar.closeArchiveEntry();
	}

	static ByteArrayInputStream in(byte[] data) {
		return new ByteArrayInputStream(data);
	}

	/** Every entry of a tar, in order. */
	static List<Entry> entries(byte[] tar) throws IOException {
		List<Entry> out = new ArrayList<>();
		try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar),
				StandardCharsets.UTF_8.name())) {
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				char type = e.isSymbolicLink() ? 'l' : e.isLink() ? 'h' : e.isDirectory() ? 'd'
						: e.isCharacterDevice() ? 'c' : e.isFIFO() ? 'p' : 'f';
				String value = (type == 'l' || type == 'h') ? e.getLinkName()
						: (type == 'f') ? new String(in.readAllBytes(), StandardCharsets.UTF_8) : "";
				out.add(new Entry(e.getName(), type, e.getMode() & 07777, e.getLongUserId(), e.getLongGroupId(), value,
						e.getLastModifiedTime()));
			}
		}
		return out;
	}

	static List<String> names(byte[] tar) throws IOException {
		return entries(tar).stream().map(Entry::name).toList();
	}

	/** The last entry of that name, as applying the tar leaves it. */
	static Entry entry(byte[] tar, String name) throws IOException {
		List<Entry> all = entries(tar);
		return all.stream()
			.filter((e) -> e.name().equals(name))
			.reduce((a, b) -> b)
			.orElseThrow(() -> new AssertionError("no entry " + name + " in " + all));
	}

}
