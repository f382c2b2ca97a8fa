package io.berth.container.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.berth.container.archive.TarFixtures.dir;
import static io.berth.container.archive.TarFixtures.file;
import static io.berth.container.archive.TarFixtures.in;
import static io.berth.container.archive.TarFixtures.tar;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stopped container read through its layers as overlayfs would merge them, and written into its upper directory
 * only. Whiteouts and opaque directories need root (mknod, trusted xattrs), as the daemon has.
 */
class LayeredRootTests {

	@TempDir
	Path temp;

	private Path upper;

	private Path l2;

	private Path l1;

	private RootView view;

	@BeforeEach
	void setUp() throws IOException {
		this.upper = Files.createDirectories(this.temp.resolve("upper"));
		this.l2 = Files.createDirectories(this.temp.resolve("l2"));
		this.l1 = Files.createDirectories(this.temp.resolve("l1"));
		write(this.l1, "etc/passwd", "l1");
		write(this.l1, "etc/group", "l1 group");
		write(this.l1, "opt/low/file", "low");
		write(this.l1, "del/x", "deleted below");
		write(this.l1, "opq/old", "hidden by opaque");
		write(this.l2, "etc/passwd", "l2");
		write(this.l2, "opq/new", "new");
		NativeCalls.lsetxattr(this.l2.resolve("opq"), RootView.OPAQUE_XATTR, new byte[] { 'y' });
		write(this.upper, "etc/hostname", "upper");
		whiteout(this.upper.resolve("etc/group"));
		whiteout(this.upper.resolve("del"));
		Files.setAttribute(this.l1.resolve("opt/low"), "unix:mode", 0750);
		this.view = RootView.layered(List.of(this.upper, this.l2, this.l1), List.of());
	}

	private static void write(Path layer, String rel, String content) throws IOException {
		Path p = layer.resolve(rel);
		Files.createDirectories(p.getParent());
		Files.writeString(p, content);
	}

	private static void whiteout(Path p) {
		assertThat(NativeCalls.mknod(p, NativeCalls.S_IFCHR, 0)).isZero();
	}

	private String read(String path) throws IOException {
		RootView.Node n = this.view.lookup(ScopedPath.clean(path)).orElseThrow();
		try (var in = this.view.open(n)) {
			return new String(in.readAllBytes());
		}
	}

	@Test
	void lookupWhenNameIsInSeveralLayersTakesTheTopmost() throws IOException {
		assertThat(read("/etc/passwd")).isEqualTo("l2");
		assertThat(read("/etc/hostname")).isEqualTo("upper");
		assertThat(read("/opt/low/file")).isEqualTo("low");
		assertThat(this.view.lookup(List.of("etc", "passwd")).orElseThrow().origin()).isEqualTo(RootView.Origin.LOWER);
	}

	@Test
	void lookupWhenWhitedOutFindsNothing() {
		assertThat(this.view.lookup(List.of("etc", "group"))).isEmpty();
		assertThat(this.view.lookup(List.of("del"))).isEmpty();
		assertThat(this.view.lookup(List.of("del", "x"))).isEmpty();
	}

	@Test
	void childrenMergeLayersDownToAnOpaqueDirectory() {
		RootView.Node etc = this.view.lookup(List.of("etc")).orElseThrow();
		assertThat(this.view.children(etc)).containsExactly("hostname", "passwd");
		RootView.Node opq = this.view.lookup(List.of("opq")).orElseThrow();
		assertThat(this.view.children(opq)).containsExactly("new");
		RootView.Node root = this.view.lookup(List.of()).orElseThrow();
		assertThat(this.view.children(root)).containsExactly("etc", "opq", "opt");
	}

	@Test
	void archiveOfAMergedDirectoryHasNoWhiteoutsOrHiddenFiles() throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		TarStreamer.write(this.view, this.view.lookup(List.of("etc")).orElseThrow(), "etc", out);
		assertThat(TarFixtures.entries(out.toByteArray())).containsExactly(Map.entry("etc/", "dir"),
				Map.entry("etc/hostname", "upper"), Map.entry("etc/passwd", "l2"));
	}

	@Test
	void extractWhenDirectoryIsOnlyInAnImageLayerCopiesItUpAndLeavesTheLayerAlone() throws IOException {
		TarExtractor.extract(this.view, List.of("opt", "low"), in(tar((t) -> file(t, "added", "new file"))),
				new TarExtractor.Options(false, null, null));
		assertThat(this.upper.resolve("opt/low/added")).hasContent("new file");
		assertThat(Files.getAttribute(this.upper.resolve("opt/low"), "unix:mode")).isEqualTo(040750);
		assertThat(this.l1.resolve("opt/low/added")).doesNotExist();
		RootView.Node low = this.view.lookup(List.of("opt", "low")).orElseThrow();
		assertThat(this.view.children(low)).containsExactly("added", "file");
	}

	@Test
	void extractWhenNameIsWhitedOutReplacesTheWhiteoutAndHidesLowerContent() throws IOException {
		byte[] tar = tar((t) -> {
			dir(t, "del", 0755);
			file(t, "del/y", "y");
			file(t, "etc/group", "restored");
		});
		TarExtractor.extract(this.view, List.of(), in(tar), new TarExtractor.Options(false, null, null));
		assertThat(this.view.children(this.view.lookup(List.of("del")).orElseThrow())).containsExactly("y");
		assertThat(read("/etc/group")).isEqualTo("restored");
		assertThat(this.l1.resolve("del/x")).exists();
	}

	@Test
	void extractWhenFileShadowsAnImageFileWritesTheUpperCopyOnly() throws IOException {
		TarExtractor.extract(this.view, List.of("etc"), in(tar((t) -> file(t, "passwd", "mine"))),
				new TarExtractor.Options(true, null, null));
		assertThat(read("/etc/passwd")).isEqualTo("mine");
		assertThat(this.l2.resolve("etc/passwd")).hasContent("l2");
		assertThat(Files.isRegularFile(this.upper.resolve("etc/passwd"), LinkOption.NOFOLLOW_LINKS)).isTrue();
	}

	@Test
	void extractWhenUpperDirDoesNotExistYetCreatesIt() throws IOException {
		TarExtractor.deleteTree(this.upper);
		TarExtractor.extract(this.view, List.of("tmp"), in(tar((t) -> file(t, "f", "x"))),
				new TarExtractor.Options(false, null, null));
		assertThat(this.upper.resolve("tmp/f")).hasContent("x");
	}

}
