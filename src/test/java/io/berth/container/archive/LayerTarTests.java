package io.berth.container.archive;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** An overlay upper directory written as an image layer, as dockerd's overlay2 driver writes it for a commit. */
class LayerTarTests {

	@TempDir
	Path upper;

	@Test
	void writeLayerTurnsWhiteoutsAndOpaqueDirectoriesIntoAufsMarkersAndKeepsUserXattrs() throws IOException {
		Files.createDirectories(this.upper.resolve("etc"));
		Files.writeString(this.upper.resolve("etc/new"), "n");
		assertThat(NativeCalls.mknod(this.upper.resolve("etc/gone"), NativeCalls.S_IFCHR | 0600, 0)).isZero();
		Files.createDirectories(this.upper.resolve("opaque"));
		assertThat(NativeCalls.lsetxattr(this.upper.resolve("opaque"), RootView.OPAQUE_XATTR, new byte[] { 'y' }))
			.isZero();
		Files.writeString(this.upper.resolve("opaque/kept"), "k");
		assertThat(NativeCalls.lsetxattr(this.upper.resolve("etc/new"), "user.note",
				"hi".getBytes(StandardCharsets.UTF_8))).isZero();
		Files.writeString(this.upper.resolve("skipped"), "");

		Map<String, TarArchiveEntry> entries = entries((path) -> path.equals(List.of("skipped")));

		assertThat(entries.keySet()).containsExactly("etc/", "etc/.wh.gone", "etc/new", "opaque/",
				"opaque/.wh..wh..opq", "opaque/kept");
		assertThat(entries.get("etc/.wh.gone").isFile()).isTrue();
		assertThat(entries.get("etc/.wh.gone").getMode() & 07777).isEqualTo(0600);
		assertThat(entries.get("opaque/").getExtraPaxHeaders()).doesNotContainKey("SCHILY.xattr.trusted.overlay.opaque");
		assertThat(entries.get("etc/new").getExtraPaxHeaders()).containsEntry("SCHILY.xattr.user.note", "hi");
	}

	@Test
	void writeLayerOfMissingDirectoryIsTheEmptyLayer() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		TarStreamer.writeLayer(this.upper.resolve("never-started"), out, (path) -> false);
		// Two zero blocks, as Go's tar writer ends an archive: dockerd's empty layer.
		assertThat(out.toByteArray()).isEqualTo(new byte[1024]);
	}

	private Map<String, TarArchiveEntry> entries(Predicate<List<String>> skip) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		TarStreamer.writeLayer(this.upper, out, skip);
		Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
		try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.toByteArray()))) {
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				entries.put(e.getName(), e);
			}
		}
		return entries;
	}

}
