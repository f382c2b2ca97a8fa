package io.berth.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A busybox root filesystem made from Debian's busybox-static, as a tar for {@code docker import}: the images the
 * tests run come from here, never from a registry.
 */
public final class BusyboxImage {

	private static final Path BUSYBOX = Path.of("/bin/busybox");

	private BusyboxImage() {
	}

	/** The rootfs tarball: /bin/busybox, a symlink per applet, /etc/passwd and /etc/group, empty system dirs. */
	public static byte[] rootfsTar() throws IOException, InterruptedException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			for (String dir : List.of("bin/", "etc/", "tmp/", "root/", "home/", "var/", "proc/", "sys/", "dev/")) {
				TarArchiveEntry e = new TarArchiveEntry(dir);
				e.setMode(dir.equals("tmp/") ? 01777 : 0755);
				tar.putArchiveEntry(e);
				tar.closeArchiveEntry();
			}
			byte[] bin = Files.readAllBytes(BUSYBOX);
			TarArchiveEntry exe = new TarArchiveEntry("bin/busybox");
			exe.setMode(0755);
			exe.setSize(bin.length);
			tar.putArchiveEntry(exe);
			tar.write(bin);
			tar.closeArchiveEntry();
			for (String applet : applets()) {
				if (applet.equals("busybox")) {
					continue;
				}
				TarArchiveEntry link = new TarArchiveEntry("bin/" + applet, TarArchiveEntry.LF_SYMLINK);
				link.setLinkName("busybox");
				tar.putArchiveEntry(link);
				tar.closeArchiveEntry();
			}
			file(tar, "etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n");
			file(tar, "etc/group", "root:x:0:\ntty:x:5:\nnogroup:x:65534:\n");
		}
		return buf.toByteArray();
	}

	/** Imports the rootfs into the daemon as {@code name}, with busybox's usual default command. */
	public static void importInto(BerthDaemon daemon, String name) throws IOException, InterruptedException {
		daemon.dockerWithInput(rootfsTar(), "import", "-c", "CMD [\"sh\"]", "-", name).assertOk();
	}

	private static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
		file(tar, name, content.getBytes(StandardCharsets.UTF_8));
	}

	/** A regular file entry, mode 0644, for the archives the tests build. */
	static void file(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name);
		e.setMode(0644);
		e.setSize(data.length);
		tar.putArchiveEntry(e);
		tar.write(data);
		tar.closeArchiveEntry();
	}

	private static List<String> applets() throws IOException, InterruptedException {
		Process p = new ProcessBuilder(BUSYBOX.toString(), "--list").start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		p.waitFor();
		return new ArrayList<>(out.lines().filter(s -> !s.isBlank()).toList());
	}


}
