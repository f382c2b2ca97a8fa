package io.berth.container.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Archives named as dockerd names them, links stored as links, and what extraction makes of them. */
class TarStreamerTests {

	@TempDir
	Path temp;

	private Path root;

	private RootView view;

	@BeforeEach
	void setUp() throws IOException {
		this.root = Files.createDirectories(this.temp.resolve("rootfs"));
		Files.createDirectories(this.root.resolve("dir/sub"));
		Files.writeString(this.root.resolve("dir/a"), "A");
		Files.writeString(this.root.resolve("dir/sub/b"), "B");
		Files.createLink(this.root.resolve("dir/hard"), this.root.resolve("dir/a"));
		Files.createSymbolicLink(this.root.resolve("dir/link"), Path.of("/dir/a"));
		this.view = RootView.mounted(this.root, List.of());
	}

	/** Removes the absolute links ourselves, so JUnit's cleanup never meets a link pointing out of its directory. */
	@AfterEach
	void tearDown() throws IOException {
		TarExtractor.deleteTree(this.root);
	}

	private Map<String, String> archive(List<String> path, String topName) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		TarStreamer.write(this.view, this.view.lookup(path).orElseThrow(), topName, out);
		return TarFixtures.entries(out.toByteArray());
	}

	@Test
	void writeWhenDirectoryNamesEntriesUnderItsName() throws IOException {
		assertThat(archive(List.of("dir"), "dir")).containsExactly(Map.entry("dir/", "dir"), Map.entry("dir/a", "A"),
				Map.entry("dir/hard", "=> dir/a"), Map.entry("dir/link", "-> /dir/a"), Map.entry("dir/sub/", "dir"),
				Map.entry("dir/sub/b", "B"));
	}

	@Test
	void writeWhenAskedForContentsUsesDot() throws IOException {
		assertThat(archive(List.of("dir"), ".").keySet()).startsWith("./", "./a");
	}

	@Test
	void writeWhenRootRebasesOntoSlashAsDockerdDoes() throws IOException {
		assertThat(archive(List.of(), "").keySet()).startsWith("/", "/dir/", "/dir/a");
	}

	@Test
	void writeWhenSymlinkArchivesTheLinkNotItsTarget() throws IOException {
		assertThat(archive(List.of("dir", "link"), "renamed")).containsExactly(Map.entry("renamed", "-> /dir/a"));
	}

	@Test
	void roundTripThroughTheExtractorKeepsContentAndLinks() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		TarStreamer.write(this.view, this.view.lookup(List.of("dir")).orElseThrow(), "copy", out);
		Files.createDirectories(this.root.resolve("target"));
		TarExtractor.extract(this.view, List.of("target"), TarFixtures.in(out.toByteArray()),
				new TarExtractor.Options(true, null, null));
		assertThat(this.root.resolve("target/copy/sub/b")).hasContent("B");
		assertThat(Files.isSameFile(this.root.resolve("target/copy/a"), this.root.resolve("target/copy/hard")))
			.isTrue();
		assertThat(Files.readSymbolicLink(this.root.resolve("target/copy/link"))).isEqualTo(Path.of("/dir/a"));
	}

}
