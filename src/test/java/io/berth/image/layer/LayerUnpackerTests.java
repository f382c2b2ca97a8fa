package io.berth.image.layer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import io.berth.content.BlobStore;
import io.berth.content.Digest;
import io.berth.paths.EnginePaths;
import io.berth.paths.EngineProperties;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The layer unpacker on hand-made tars, hostile ones first; these tests run as root, as the daemon does. */
class LayerUnpackerTests {

	private static final long MAX = 1024 * 1024;

	@TempDir
	Path temp;

	private EnginePaths paths;

	private BlobStore blobs;

	@BeforeEach
	void setUp() {
		this.paths = new EnginePaths(
				new EngineProperties(this.temp.resolve("data").toString(), this.temp.resolve("exec").toString()));
		this.blobs = new BlobStore(this.paths);
	}

	@Test
	void unpackWhenEntryClimbsAboveRootIsRefused() throws IOException {
		byte[] tar = tar((t) -> file(t, "../../evil", "x"));
		assertRefused(tar, "../../evil", "escapes");
		assertThat(this.temp.resolve("data/evil")).doesNotExist();
	}

	@Test
	void unpackWhenEntryIsAbsoluteWritesItUnderRoot() throws IOException {
		byte[] tar = tar((t) -> file(t, "/etc/evil", "x"));
		try (PendingLayer layer = unpack(tar)) {
			assertThat(layer.directory().resolve("etc/evil")).hasContent("x");
		}
	}

	@Test
	void unpackWhenFileGoesThroughAbsoluteSymlinkIsRefused() throws IOException {
		Path outside = Files.createDirectories(this.temp.resolve("outside"));
		byte[] tar = tar((t) -> {
			symlink(t, "esc", outside.toString());
			file(t, "esc/pwned", "x");
		});
		assertRefused(tar, "esc/pwned", "symlink");
		assertThat(outside.resolve("pwned")).doesNotExist();
	}

	@Test
	void unpackWhenFileGoesThroughRelativeSymlinkIsRefused() throws IOException {
		byte[] tar = tar((t) -> {
			dir(t, "a/");
			symlink(t, "a/up", "../../../../../../tmp");
			file(t, "a/up/berth-pwned", "x");
		});
		assertRefused(tar, "a/up/berth-pwned", "symlink");
		assertThat(Path.of("/tmp/berth-pwned")).doesNotExist();
	}

	@Test
	void unpackWhenHardlinkPointsOutsideIsRefused() throws IOException {
		byte[] tar = tar((t) -> hardlink(t, "passwd", "../../../../etc/passwd"));
		assertRefused(tar, "passwd", "escapes");
	}

	@Test
	void unpackWhenHardlinkGoesThroughSymlinkIsRefused() throws IOException {
		byte[] tar = tar((t) -> {
			symlink(t, "etc", "/etc");
			hardlink(t, "passwd", "etc/passwd");
		});
		assertRefused(tar, "passwd", "symlink");
	}

	@Test
	void unpackWhenHardlinkTargetIsMissingIsRefused() throws IOException {
		byte[] tar = tar((t) -> hardlink(t, "h", "nothing"));
		assertRefused(tar, "h", "does not exist");
	}

	@Test
	void unpackWhenWhiteoutNamesParentIsRefused() throws IOException {
		assertRefused(tar((t) -> file(t, "dir/.wh...", "")), "dir/.wh...", "whiteout");
		assertRefused(tar((t) -> file(t, ".wh..", "")), ".wh..", "whiteout");
		assertRefused(tar((t) -> file(t, ".wh.", "")), ".wh.", "whiteout");
	}

	@Test
	void unpackWhenArchiveSetsOverlayXattrIsRefused() throws IOException {
		byte[] tar = tar((t) -> {
			TarArchiveEntry e = new TarArchiveEntry("dir/");
			e.addPaxHeader("SCHILY.xattr.trusted.overlay.opaque", "y");
			t.putArchiveEntry(e);
			t.closeArchiveEntry();
		});
		assertRefused(tar, "dir/", "trusted.overlay.opaque");
	}

	@Test
	void unpackWhenLayerIsLargerThanLimitIsRefused() throws IOException {
		byte[] big = new byte[(int) MAX + 1];
		byte[] tar = tar((t) -> {
			file(t, "small", "x");
			file(t, "big", big);
		});
		assertRefused(tar, "big", "maximum size");
	}

	@Test
	void unpackWhenGzipBombExpandsPastLimitIsRefused() throws IOException {
		byte[] zeros = new byte[8 * (int) MAX];
		byte[] gz = gzip(tar((t) -> file(t, "bomb", zeros)));
		assertThat(gz.length).isLessThan((int) MAX / 8);
		assertRefused(gz, "bomb", "maximum size");
	}

	@Test
	void unpackTurnsWhiteoutsIntoOverlayWhiteouts() throws IOException {
		byte[] tar = tar((t) -> {
			dir(t, "etc/");
			file(t, "etc/.wh.hosts", "");
			dir(t, "opt/");
			file(t, "opt/.wh..wh..opq", "");
			file(t, "opt/kept", "kept");
		});
		try (PendingLayer layer = unpack(tar)) {
			Path whiteout = layer.directory().resolve("etc/hosts");
			assertThat(Files.getAttribute(whiteout, "unix:mode", LinkOption.NOFOLLOW_LINKS))
				.isEqualTo(NativeFs.S_IFCHR);
			assertThat(Files.getAttribute(whiteout, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0L);
			assertThat(layer.directory().resolve("etc/.wh.hosts")).doesNotExist();
			Path opaque = layer.directory().resolve("opt");
			assertThat(NativeFs.lgetxattr(opaque, "trusted.overlay.opaque")).hasValueSatisfying(
					(v) -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("y"));
			assertThat(opaque.resolve(".wh..wh..opq")).doesNotExist();
			assertThat(opaque.resolve("kept")).hasContent("kept");
		}
	}

	@Test
	void unpackWhenWhiteoutFollowsEntryOfSameLayerKeepsEntry() throws IOException {
		byte[] tar = tar((t) -> {
			file(t, "a", "mine");
			file(t, ".wh.a", "");
		});
		try (PendingLayer layer = unpack(tar)) {
			assertThat(layer.directory().resolve("a")).hasContent("mine");
		}
	}

	@Test
	void unpackAppliesModesOwnersTimesAndSpecialFiles() throws IOException {
		Instant mtime = Instant.parse("2020-01-02T03:04:05Z");
		byte[] tar = tar((t) -> {
			TarArchiveEntry root = new TarArchiveEntry("./");
			root.setMode(0755);
			t.putArchiveEntry(root);
			t.closeArchiveEntry();
			TarArchiveEntry bin = new TarArchiveEntry("usr/bin/su");
			bin.setMode(04755);
			bin.setUserId(1000);
			bin.setGroupId(1001);
			bin.setModTime(mtime.toEpochMilli());
			byte[] data = "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8);
			bin.setSize(data.length);
			t.putArchiveEntry(bin);
			t.write(data);
			t.closeArchiveEntry();
			symlink(t, "usr/bin/odd", "../x//y/");
			hardlink(t, "usr/bin/su2", "/usr/bin/su");
			TarArchiveEntry nul = new TarArchiveEntry("dev/null", TarConstants.LF_CHR);
			nul.setMode(0666);
			nul.setDevMajor(1);
			nul.setDevMinor(3);
			t.putArchiveEntry(nul);
			t.closeArchiveEntry();
			TarArchiveEntry fifo = new TarArchiveEntry("run/fifo", TarConstants.LF_FIFO);
			fifo.setMode(0600);
			t.putArchiveEntry(fifo);
			t.closeArchiveEntry();
			TarArchiveEntry tmp = new TarArchiveEntry("tmp/");
			tmp.setMode(01777);
			tmp.setModTime(mtime.toEpochMilli());
			t.putArchiveEntry(tmp);
			t.closeArchiveEntry();
			file(t, "tmp/inside", "x");
		});
		try (PendingLayer layer = unpack(tar)) {
			Path root = layer.directory();
			Path su = root.resolve("usr/bin/su");
			assertThat(mode(su) & 07777).isEqualTo(04755);
			assertThat(Files.getAttribute(su, "unix:uid")).isEqualTo(1000);
			assertThat(Files.getAttribute(su, "unix:gid")).isEqualTo(1001);
			assertThat(Files.getLastModifiedTime(su)).isEqualTo(FileTime.from(mtime));
			assertThat(Files.readSymbolicLink(root.resolve("usr/bin/odd")).toString()).isEqualTo("../x//y/");
			assertThat(Files.getAttribute(root.resolve("usr/bin/su2"), "unix:ino"))
				.isEqualTo(Files.getAttribute(su, "unix:ino"));
			Path nul = root.resolve("dev/null");
			assertThat(mode(nul) & 0170000).isEqualTo(NativeFs.S_IFCHR);
			assertThat(Files.getAttribute(nul, "unix:rdev", LinkOption.NOFOLLOW_LINKS))
				.isEqualTo(NativeFs.makedev(1, 3));
			assertThat(mode(root.resolve("run/fifo")) & 0170000).isEqualTo(NativeFs.S_IFIFO);
			assertThat(mode(root.resolve("tmp")) & 07777).isEqualTo(01777);
			assertThat(Files.getLastModifiedTime(root.resolve("tmp"))).isEqualTo(FileTime.from(mtime));
			assertThat(mode(root) & 07777).isEqualTo(0755);
		}
	}

	@Test
	void unpackComputesDiffIdOverTheUncompressedStream() throws IOException {
		byte[] tar = tar((t) -> file(t, "hello", "world"));
		try (PendingLayer plain = unpack(tar)) {
			assertThat(plain.diffId()).isEqualTo(Digest.of(tar));
			assertThat(plain.size()).isEqualTo(5);
			assertThat(plain.tarSize()).isEqualTo(tar.length);
		}
		try (PendingLayer zipped = unpack(gzip(tar))) {
			assertThat(zipped.diffId()).isEqualTo(Digest.of(tar));
		}
		assertThat(leftovers()).isEmpty();
	}

	@Test
	void installMovesLayerIntoStoreAndKeepsItsTar() throws IOException {
		byte[] tar = tar((t) -> file(t, "hello", "world"));
		PendingLayer layer = unpack(tar);
		Path target = this.paths.layers().resolve("sha256").resolve(layer.diffId().hex());
		Files.createDirectories(target.getParent());
		Files.move(layer.directory(), target);
		layer.tar().commit();
		layer.markInstalled();
		layer.close();
		assertThat(target.resolve("hello")).hasContent("world");
		assertThat(this.blobs.read(layer.diffId())).isEqualTo(tar);
		assertThat(leftovers()).isEmpty();
	}

	private void assertRefused(byte[] tar, String entry, String reason) throws IOException {
		assertThatThrownBy(() -> unpack(tar)).isInstanceOf(InvalidLayerException.class)
			.hasMessageContaining("\"" + entry + "\"")
			.hasMessageContaining(reason);
		assertThat(leftovers()).as("temp entries left behind").isEmpty();
		try (Stream<Path> s = Files.list(this.paths.blobs().resolve("sha256"))) {
			assertThat(s.toList()).as("blobs left behind").isEmpty();
		}
	}

	private List<Path> leftovers() throws IOException {
		try (Stream<Path> s = Files.list(this.paths.tmp())) {
			return s.toList();
		}
	}

	private PendingLayer unpack(byte[] tar) {
		return LayerStore.unpack(this.paths.tmp(), this.blobs, new ByteArrayInputStream(tar), MAX);
	}

	private static int mode(Path p) throws IOException {
		return (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
	}

	interface TarBody {

		void write(TarArchiveOutputStream tar) throws IOException;

	}

	static byte[] tar(TarBody body) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
			tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
			body.write(tar);
		}
		return buf.toByteArray();
	}

	static byte[] gzip(byte[] data) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(buf)) {
			gz.write(data);
		}
		return buf.toByteArray();
	}

	static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
		file(tar, name, content.getBytes(StandardCharsets.UTF_8));
	}

	static void file(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name, true);
		e.setMode(0644);
		e.setSize(data.length);
		tar.putArchiveEntry(e);
		tar.write(data);
		tar.closeArchiveEntry();
	}

	static void dir(TarArchiveOutputStream tar, String name) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name, true);
		e.setMode(0755);
		tar.putArchiveEntry(e);
		tar.closeArchiveEntry();
	}

	static void symlink(TarArchiveOutputStream tar, String name, String target) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
		e.setLinkName(target);
		tar.putArchiveEntry(e);
		tar.closeArchiveEntry();
	}

	static void hardlink(TarArchiveOutputStream tar, String name, String target) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
		e.setLinkName(target);
		tar.putArchiveEntry(e);
		tar.closeArchiveEntry();
	}

}
