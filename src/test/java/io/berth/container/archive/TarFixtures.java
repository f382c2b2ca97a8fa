package io.berth.container.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Hand-made tars for the archive tests, hostile ones included. */
final class TarFixtures {

	interface Body {

		void write(TarArchiveOutputStream tar) throws IOException;

	}

	private TarFixtures() {
	}

	static byte[] tar(Body body) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			body.write(tar);
		}
		return buf.toByteArray();
	}

	static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
		byte[] data = content.getBytes(StandardCharsets.UTF_8);
		TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
		e.setMode(0644);
		e.setSize(data.length);
		tar.putArchiveEntry(e);
		tar.write(data);
		tar.closeArchiveEntry();
	}

	static void dir(TarArchiveOutputStream tar, String name, int mode) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true);
		e.setMode(mode);
		tar.putArchiveEntry(e);
		tar.closeArchiveEntry();
	}

	static void link(TarArchiveOutputStream tar, String name, byte type, String target) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name, type, true);
		e.setLinkName(target);
		tar.putArchiveEntry(e);
		tar.closeArchiveEntry();
	}

	static InputStream in(byte[] tar) {
		return new ByteArrayInputStream(tar);
	}

	/** Every entry of a tar: name → type flag and, for files, the content or link target. */
	static Map<String, String> entries(byte[] tar) throws IOException {
		Map<String, String> out = new LinkedHashMap<>();
		try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				String value = e.isSymbolicLink() ? "-> " + e.getLinkName()
						: e.isLink() ? "=> " + e.getLinkName()
						: e.isDirectory() ? "dir" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
				out.put(e.getName(), value);
			}
		}
		return out;
	}

}
