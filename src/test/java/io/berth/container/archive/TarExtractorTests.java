package io.berth.container.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.berth.container.archive.TarFixtures.dir;
import static io.berth.container.archive.TarFixtures.file;
import static io.berth.container.archive.TarFixtures.in;
import static io.berth.container.archive.TarFixtures.link;
import static io.berth.container.archive.TarFixtures.tar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Extraction into a running container's root (one directory), hostile archives first: nothing may land outside the
 * root, whatever the archive or the container's own symlinks say. Runs as root, as the daemon does.
 */
class TarExtractorTests {

	private static final TarExtractor.Options DEFAULTS = new TarExtractor.Options(false, null, null);

	@TempDir
	Path temp;

	private Path root;

	private Path outside;

	private RootView view;

	@BeforeEach
	void setUp() throws IOException {
		this.root = Files.createDirectories(this.temp.resolve("rootfs"));
		Files.createDirectories(this.root.resolve("etc"));
		Files.createDirectories(this.root.resolve("tmp"));
		Files.writeString(this.root.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
		this.outside = Files.createDirectories(this.temp.resolve("outside"));
		this.view = RootView.mounted(this.root, List.of());
	}

	@AfterEach
	void tearDown() throws IOException {
		TarExtractor.deleteTree(this.root);
	}

	private void extract(String dest, byte[] tar, TarExtractor.Options options) throws IOException {
		TarExtractor.extract(this.view, ScopedPath.resolve(this.view, dest), in(tar), options);
	}

	@Test
	void extractWhenEntryClimbsOutIsRefused() throws IOException {
		byte[] tar = tar((t) -> file(t, "../../outside/evil", "x"));
		assertThatThrownBy(() -> extract("/tmp", tar, DEFAULTS)).isInstanceOf(ArchiveException.class)
			.hasMessageContaining("outside of the target directory");
		assertThat(this.outside).isEmptyDirectory();
	}

	@Test
	void extractWhenEntryIsAbsoluteNeverLeavesTheTarget() throws IOException {
		byte[] tar = tar((t) -> file(t, this.outside.resolve("evil").toString(), "x"));
		try {
			extract("/tmp", tar, DEFAULTS);
		}
		catch (ArchiveException ex) {
			assertThat(ex).hasMessageContaining("absolute");
		}
		assertThat(this.outside).isEmptyDirectory();
	}

	@Test
	void extractWhenArchiveLinksAnEntryToHostEtcWritesTheContainersEtc() throws IOException {
		String hostPasswd = Files.readString(Path.of("/etc/passwd"));
		byte[] tar = tar((t) -> {
			link(t, "etc-link", TarConstants.LF_SYMLINK, "/etc");
			file(t, "etc-link/passwd", "pwned\n");
		});
		extract("/tmp", tar, DEFAULTS);
		assertThat(Files.readString(Path.of("/etc/passwd"))).isEqualTo(hostPasswd);
		assertThat(this.root.resolve("etc/passwd")).hasContent("pwned");
	}

	@Test
	void extractWhenContainerLinkPointsAtAHostPathStaysInTheContainer() throws IOException {
		// What a hostile container could plant: a link naming a host directory by its absolute path.
		Files.createSymbolicLink(this.root.resolve("tmp/out"), this.outside);
		Files.createSymbolicLink(this.root.resolve("tmp/up"), Path.of("../../../../../../.."));
		byte[] tar = tar((t) -> {
			file(t, "out/a", "a");
			file(t, "up/" + this.outside.getFileName() + "/b", "b");
		});
		extract("/tmp", tar, DEFAULTS);
		assertThat(this.outside).isEmptyDirectory();
		// The host path, taken as the container's own absolute path.
		assertThat(this.root.resolve(this.outside.toString().substring(1)).resolve("a")).hasContent("a");
		assertThat(this.root.resolve(this.outside.getFileName().toString()).resolve("b")).hasContent("b");
	}

	@Test
	void extractWhenDestinationIsALinkOutFollowsItInScope() throws IOException {
		Files.createSymbolicLink(this.root.resolve("dest"), Path.of("/../../../../etc"));
		extract("/dest", tar((t) -> file(t, "added", "in container")), DEFAULTS);
		assertThat(this.root.resolve("etc/added")).hasContent("in container");
		assertThat(Path.of("/etc/added")).doesNotExist();
	}

	@Test
	void extractWhenSymlinkTargetClimbsOutOfTheTargetIsRefused() throws IOException {
		byte[] tar = tar((t) -> link(t, "esc", TarConstants.LF_SYMLINK, "../../../outside"));
		assertThatThrownBy(() -> extract("/tmp", tar, DEFAULTS)).isInstanceOf(ArchiveException.class)
			.hasMessageContaining("invalid symlink");
		assertThat(this.root.resolve("tmp/esc")).doesNotExist();
	}

	@Test
	void extractWhenHardlinkTargetIsOutsideIsRefused() throws IOException {
		byte[] tar = tar((t) -> link(t, "hl", TarConstants.LF_LINK, "../etc/passwd"));
		assertThatThrownBy(() -> extract("/tmp", tar, DEFAULTS)).isInstanceOf(ArchiveException.class);
		assertThat(this.root.resolve("tmp/hl")).doesNotExist();
	}

	@Test
	void extractWhenHardlinkNamesAnEarlierEntryLinksIt() throws IOException {
		byte[] tar = tar((t) -> {
			file(t, "f", "data");
			link(t, "g", TarConstants.LF_LINK, "f");
		});
		extract("/tmp", tar, DEFAULTS);
		assertThat(Files.isSameFile(this.root.resolve("tmp/f"), this.root.resolve("tmp/g"))).isTrue();
	}

	@Test
	void extractWhenNoOverwriteDirNonDirRefusesReplacingADirectory() throws IOException {
		byte[] tar = tar((t) -> file(t, "etc", "not a dir"));
		TarExtractor.Options strict = new TarExtractor.Options(true, null, null);
		assertThatThrownBy(() -> extract("/", tar, strict)).isInstanceOf(ArchiveException.class)
			.hasMessage("cannot overwrite directory \"/etc\" with non-directory \"/\"");
		assertThat(this.root.resolve("etc")).isDirectory();
	}

	@Test
	void extractWhenOverwritingAllowedReplacesFilesAndMergesDirectories() throws IOException {
		byte[] tar = tar((t) -> {
			dir(t, "etc", 0700);
			file(t, "etc/passwd", "new\n");
			file(t, "tmp", "file now");
		});
		extract("/", tar, DEFAULTS);
		assertThat(this.root.resolve("etc/passwd")).hasContent("new");
		assertThat(Files.getAttribute(this.root.resolve("etc"), "unix:mode")).isEqualTo(040700);
		assertThat(this.root.resolve("tmp")).isRegularFile();
	}

	@Test
	void extractWhenCopyUidGidOwnsEntriesByTheContainerUser() throws IOException {
		extract("/tmp", tar((t) -> file(t, "owned", "x")), new TarExtractor.Options(false, 1234L, 5678L));
		assertThat(Files.getAttribute(this.root.resolve("tmp/owned"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
			.isEqualTo(1234);
		assertThat(Files.getAttribute(this.root.resolve("tmp/owned"), "unix:gid", LinkOption.NOFOLLOW_LINKS))
			.isEqualTo(5678);
	}

	@Test
	void extractWhenArchiveSetsOverlayXattrIgnoresIt() throws IOException {
		byte[] tar = tar((t) -> {
			TarArchiveEntry e = new TarArchiveEntry("opq/", TarConstants.LF_DIR, true);
			e.addPaxHeader("SCHILY.xattr.trusted.overlay.opaque", "y");
			e.setMode(0755);
			t.putArchiveEntry(e);
			t.closeArchiveEntry();
		});
		extract("/tmp", tar, DEFAULTS);
		assertThat(NativeCalls.lgetxattr(this.root.resolve("tmp/opq"), RootView.OPAQUE_XATTR)).isEmpty();
	}

	@Test
	void extractIntoMountPointIsRefused() throws IOException {
		Path hostname = Files.writeString(this.temp.resolve("hostname"), "abc\n");
		this.view = RootView.mounted(this.root, List.of(new RootView.Mount(List.of("etc", "hostname"), hostname,
				false)));
		assertThatThrownBy(() -> extract("/etc", tar((t) -> file(t, "hostname", "x")), DEFAULTS))
			.isInstanceOf(ArchiveException.class)
			.hasMessageContaining("mount point");
		assertThat(hostname).hasContent("abc");
	}

	@Test
	void extractIntoReadOnlyVolumeIsRefused() throws IOException {
		Path volume = Files.createDirectories(this.temp.resolve("volume"));
		this.view = RootView.mounted(this.root, List.of(new RootView.Mount(List.of("data"), volume, true)));
		assertThatThrownBy(() -> extract("/", tar((t) -> file(t, "data/x", "x")), DEFAULTS))
			.hasMessage("mounted volume is marked read-only");
		assertThat(volume).isEmptyDirectory();
	}

}
