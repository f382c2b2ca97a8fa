package io.berth.build.context;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import io.berth.error.InvalidParameterException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CopyLayerTests {

	private static final FileTime MTIME = FileTime.fromMillis(1_700_000_000_000L);

	@TempDir
	Path temp;

	private Path root;

	private SourceTree tree;

	@BeforeEach
	void setUp() throws IOException {
		this.root = Files.createDirectories(this.temp.resolve("ctx"));
		write("a.txt", "alpha", 0644);
		write("b.txt", "beta", 0644);
		write("run.sh", "#!/bin/sh", 0755);
		write("sub/c.txt", "see", 0600);
		write("sub/inner/d.txt", "dee", 0644);
		Stat.chmod(this.root.resolve("sub/inner"), 0700);
		Files.createSymbolicLink(this.root.resolve("sub/link"), Path.of("c.txt"));
		Files.createSymbolicLink(this.root.resolve("link-to-a"), Path.of("a.txt"));
		write("notes.txt", "not an archive", 0644);
		Files.write(this.root.resolve("pkg.tar.gz"), Tars.gzip(Tars.tar((t) -> {
			owned(t, "pkg/", TarConstants.LF_DIR, 0755, "");
			owned(t, "pkg/f", TarConstants.LF_NORMAL, 0640, "packaged");
			Tars.link(t, "pkg/sym", TarConstants.LF_SYMLINK, "f");
			Tars.link(t, "pkg/hard", TarConstants.LF_LINK, "pkg/f");
			Tars.file(t, "/abs", "absolute");
		})));
		this.tree = SourceTree.of(this.root, DockerIgnore.empty());
	}

	@Test
	void copiesAFileToAFile() throws IOException {
		byte[] layer = copy(List.of("a.txt"), "/app/b.txt", "/", null, null, false);
		assertThat(Tars.names(layer)).containsExactly("app/", "app/b.txt");
		Tars.Entry dir = Tars.entry(layer, "app/");
		assertThat(dir.type()).isEqualTo('d');
		assertThat(dir.mode()).isEqualTo(0755);
		assertThat(dir.uid()).isZero();
		Tars.Entry file = Tars.entry(layer, "app/b.txt");
		assertThat(file.type()).isEqualTo('f');
		assertThat(file.mode()).isEqualTo(0644);
		assertThat(file.uid()).isZero();
		assertThat(file.gid()).isZero();
		assertThat(file.value()).isEqualTo("alpha");
		assertThat(file.modified()).isEqualTo(MTIME);
	}

	@Test
	void copiesAFileIntoADirectory() throws IOException {
		assertThat(Tars.names(copy(List.of("a.txt"), "/app/", "/", null, null, false)))
			.containsExactly("app/", "app/a.txt");
		assertThat(Tars.names(copy(List.of("run.sh"), "rel/", "/work", null, null, false)))
			.containsExactly("work/", "work/rel/", "work/rel/run.sh");
		assertThat(Tars.names(copy(List.of("a.txt"), ".", "/app", null, null, false)))
			.containsExactly("app/", "app/a.txt");
		assertThat(Tars.names(copy(List.of("a.txt"), "/", "", null, null, false))).containsExactly("a.txt");
		assertThat(Tars.entry(copy(List.of("run.sh"), "/bin/", "/", null, null, false), "bin/run.sh").mode())
			.isEqualTo(0755);
	}

	@Test
	void copiesADirectorysContentsNotTheDirectory() throws IOException {
		byte[] layer = copy(List.of("sub"), "/dst", "/", null, null, false);
		assertThat(Tars.names(layer)).containsExactly("dst/", "dst/c.txt", "dst/inner/", "dst/inner/d.txt",
				"dst/link");
		assertThat(Tars.entry(layer, "dst/c.txt").mode()).isEqualTo(0600);
		assertThat(Tars.entry(layer, "dst/inner/").mode()).isEqualTo(0700);
		Tars.Entry link = Tars.entry(layer, "dst/link");
		assertThat(link.type()).isEqualTo('l');
		assertThat(link.value()).isEqualTo("c.txt");

		assertThat(Tars.names(copy(List.of("."), "/", "/", null, null, false))).contains("a.txt", "sub/",
				"sub/inner/d.txt", "pkg.tar.gz").noneMatch((n) -> n.startsWith("./") || n.equals("/"));
	}

	@Test
	void copiesSeveralSourcesIntoADirectory() throws IOException {
		byte[] layer = copy(List.of("a.txt", "b.txt", "sub/inner"), "/dst/", "/", null, null, false);
		assertThat(Tars.names(layer)).containsExactly("dst/", "dst/a.txt", "dst/b.txt", "dst/d.txt");
	}

	@Test
	void aWildcardMatchingSeveralFilesMakesTheDestinationADirectory() throws IOException {
		byte[] layer = copy(List.of("*.txt"), "/dst", "/", null, null, false);
		assertThat(Tars.names(layer)).containsExactly("dst/", "dst/a.txt", "dst/b.txt", "dst/notes.txt");
		assertThat(Tars.names(copy(List.of("a*.txt"), "/dst", "/", null, null, false))).containsExactly("dst");
	}

	@Test
	void chownOwnsWhatIsCopied() throws IOException {
		byte[] layer = copy(List.of("sub"), "/app/dst/", "/", new Owner(1000, 1001), null, false);
		assertThat(Tars.entries(layer)).filteredOn((e) -> e.name().startsWith("app/dst/") && e.name().length() > 8)
			.isNotEmpty()
			.allSatisfy((e) -> {
				assertThat(e.uid()).as(e.name()).isEqualTo(1000);
				assertThat(e.gid()).as(e.name()).isEqualTo(1001);
			});
		assertThat(Tars.entry(layer, "app/").uid()).as("unknown parents stay root's").isZero();
	}

	@Test
	void chmodSetsTheModeOfEveryFileAndDirectoryCopied() throws IOException {
		byte[] layer = copy(List.of("sub"), "/dst", "/", null, 0750, false);
		assertThat(Tars.entry(layer, "dst/c.txt").mode()).isEqualTo(0750);
		assertThat(Tars.entry(layer, "dst/inner/").mode()).isEqualTo(0750);
		assertThat(Tars.entry(layer, "dst/inner/d.txt").mode()).isEqualTo(0750);
		assertThat(Tars.entry(layer, "dst/link").mode()).as("symlinks have no mode").isEqualTo(0777);
		assertThat(Tars.entry(layer, "dst/").mode()).isEqualTo(0755);
		assertThatThrownBy(() -> copy(List.of("a.txt"), "/x", "/", null, 010000, false))
			.isInstanceOf(InvalidParameterException.class);
	}

	@Test
	void aSymlinkSourceIsFollowedAndKeepsItsName() throws IOException {
		byte[] layer = copy(List.of("link-to-a"), "/x/", "/", null, null, false);
		Tars.Entry e = Tars.entry(layer, "x/link-to-a");
		assertThat(e.type()).isEqualTo('f');
		assertThat(e.value()).isEqualTo("alpha");
	}

	@Test
	void addExtractsALocalArchiveUnderTheDestination() throws IOException {
		byte[] layer = copy(List.of("pkg.tar.gz"), "/opt/", "/", new Owner(5, 5), 0700, true);
		assertThat(Tars.names(layer)).containsExactly("opt/", "opt/pkg/", "opt/pkg/f", "opt/pkg/sym", "opt/pkg/hard",
				"opt/abs");
		Tars.Entry f = Tars.entry(layer, "opt/pkg/f");
		assertThat(f.value()).isEqualTo("packaged");
		assertThat(f.mode()).as("the archive's mode, as in dockerd").isEqualTo(0640);
		assertThat(f.uid()).as("the archive's owner, as in dockerd").isEqualTo(1234);
		assertThat(f.gid()).isEqualTo(99);
		assertThat(Tars.entry(layer, "opt/pkg/sym").value()).isEqualTo("f");
		Tars.Entry hard = Tars.entry(layer, "opt/pkg/hard");
		assertThat(hard.type()).isEqualTo('h');
		assertThat(hard.value()).isEqualTo("opt/pkg/f");
		assertThat(Tars.entry(layer, "opt/abs").value()).isEqualTo("absolute");

		assertThat(Tars.names(copy(List.of("pkg.tar.gz"), "/opt/", "/", null, null, false)))
			.as("COPY does not extract")
			.containsExactly("opt/", "opt/pkg.tar.gz");
		assertThat(Tars.names(copy(List.of("notes.txt"), "/opt/", "/", null, null, true)))
			.as("not an archive")
			.containsExactly("opt/", "opt/notes.txt");
	}

	@Test
	void addRefusesAHostileArchive() throws IOException {
		assertAddRefused("up.tar", Tars.tar((t) -> Tars.file(t, "../evil", "x")), "../evil");
		assertAddRefused("deep.tar", Tars.tar((t) -> Tars.file(t, "a/../../evil", "x")), "a/../../evil");
		assertAddRefused("sym.tar", Tars.tar((t) -> Tars.link(t, "etc", TarConstants.LF_SYMLINK, "../../etc")),
				"etc");
		assertAddRefused("wh.tar", Tars.tar((t) -> Tars.file(t, "dir/.wh.gone", "")), "dir/.wh.gone");
		assertAddRefused("opq.tar", Tars.tar((t) -> Tars.file(t, ".wh..wh..opq", "")), ".wh..wh..opq");
		assertAddRefused("hard.tar", Tars.tar((t) -> Tars.link(t, "h", TarConstants.LF_LINK, "/etc/passwd")), "h");
		assertAddRefused("below.tar", Tars.tar((t) -> {
			Tars.link(t, "l", TarConstants.LF_SYMLINK, "/etc");
			Tars.file(t, "l/passwd", "x");
		}), "\"l/passwd\"");
	}

	@Test
	void writesAHeredocFile() throws IOException {
		byte[] content = "echo hi\n".getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		CopyLayer.writeHeredoc(out, "run.sh", "/app", content, new Owner(7, 8), 0755);
		byte[] layer = out.toByteArray();
		assertThat(Tars.names(layer)).containsExactly("app/", "app/run.sh");
		Tars.Entry e = Tars.entry(layer, "app/run.sh");
		assertThat(e.value()).isEqualTo("echo hi\n");
		assertThat(e.mode()).isEqualTo(0755);
		assertThat(e.uid()).isEqualTo(7);

		ByteArrayOutputStream plain = new ByteArrayOutputStream();
		CopyLayer.writeHeredoc(plain, "/etc/motd", "/", content, null, null);
		assertThat(Tars.entry(plain.toByteArray(), "etc/motd").mode()).isEqualTo(0644);

		ByteArrayOutputStream named = new ByteArrayOutputStream();
		CopyLayer.writeHeredoc(named, "EOF", "/app/", "/", content, null, null, DestinationTree.unknown());
		assertThat(Tars.names(named.toByteArray())).containsExactly("app/", "app/EOF");

		assertThatThrownBy(() -> CopyLayer.writeHeredoc(new ByteArrayOutputStream(), "/app/", "/", content, null,
				null)).isInstanceOf(InvalidParameterException.class);
	}

	@Test
	void aKnownImageDecidesDirectoriesFollowsItsSymlinksAndKeepsItsMetadata() throws IOException {
		Path image = Files.createDirectories(this.temp.resolve("image"));
		Files.createDirectories(image.resolve("app"));
		Stat.chmod(image.resolve("app"), 0750);
		Files.setLastModifiedTime(image.resolve("app"), MTIME);
		Files.createDirectories(image.resolve("usr/lib"));
		Files.createSymbolicLink(image.resolve("lib"), Path.of("usr/lib"));
		Files.createDirectories(image.resolve("etc"));
		Files.writeString(image.resolve("etc/hosts"), "localhost");
		DestinationTree below = DestinationTree.of(image);

		byte[] into = copy(List.of("a.txt"), "/app", "/", null, null, false, below);
		assertThat(Tars.names(into)).containsExactly("app/", "app/a.txt");
		assertThat(Tars.entry(into, "app/").mode()).as("the image's mode kept").isEqualTo(0750);
		assertThat(Tars.entry(into, "app/").modified()).isEqualTo(MTIME);

		byte[] followed = copy(List.of("a.txt"), "/lib/x/", "/", new Owner(1000, 1000), null, false, below);
		assertThat(Tars.names(followed)).containsExactly("usr/", "usr/lib/", "usr/lib/x/", "usr/lib/x/a.txt");
		int imageOwner = (Integer) Files.getAttribute(image.resolve("usr/lib"), "unix:uid");
		assertThat(Tars.entry(followed, "usr/lib/").uid()).as("the image's owner kept").isEqualTo(imageOwner);
		assertThat(Tars.entry(followed, "usr/lib/x/").uid()).as("a new parent of a file copy is chowned")
			.isEqualTo(1000);

		byte[] directory = copy(List.of("sub"), "/lib/new/deeper", "/", new Owner(1000, 1000), null, false, below);
		assertThat(Tars.entry(directory, "usr/lib/new/").uid()).as("a directory copy's new parents are root's")
			.isZero();
		assertThat(Tars.entry(directory, "usr/lib/new/deeper/").uid()).as("its new destination is chowned")
			.isEqualTo(1000);

		assertThatThrownBy(() -> copy(List.of("a.txt"), "/etc/hosts/x", "/", null, null, false, below))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("not a directory");
	}

	@Test
	void refusesWhiteoutNamesAndSourcesOfAnotherTree() throws IOException {
		write(".wh.secret", "x", 0644);
		assertThatThrownBy(() -> copy(List.of("."), "/", "/", null, null, false))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining(".wh.secret");
		SourceTree other = SourceTree.of(this.root, DockerIgnore.empty());
		List<Source> foreign = other.resolve(List.of("a.txt"));
		assertThatThrownBy(() -> CopyLayer.write(new ByteArrayOutputStream(), this.tree, foreign, "/", "/", null,
				null, false)).isInstanceOf(IllegalArgumentException.class);
	}

	private void assertAddRefused(String name, byte[] archive, String entry) throws IOException {
		Files.write(this.root.resolve(name), archive);
		assertThatThrownBy(() -> copy(List.of(name), "/opt/", "/", null, null, true))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining(entry);
	}

	private byte[] copy(List<String> sources, String dest, String workdir, @Nullable Owner chown,
			@Nullable Integer chmod, boolean add) throws IOException {
		return copy(sources, dest, workdir, chown, chmod, add, DestinationTree.unknown());
	}

	private byte[] copy(List<String> sources, String dest, String workdir, @Nullable Owner chown,
			@Nullable Integer chmod, boolean add, DestinationTree below) throws IOException {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		CopyLayer.write(out, this.tree, this.tree.resolve(sources), dest, workdir, chown, chmod, add, below);
		return out.toByteArray();
	}

	private void write(String name, String content, int mode) throws IOException {
		Path file = this.root.resolve(name);
		Files.createDirectories(file.getParent());
		Files.writeString(file, content);
		Stat.chmod(file, mode);
		Files.setLastModifiedTime(file, MTIME);
	}

	private static void owned(TarArchiveOutputStream t, String name, byte type, int mode, String content)
			throws IOException {
		byte[] data = content.getBytes(StandardCharsets.UTF_8);
		TarArchiveEntry e = new TarArchiveEntry(name, type, true);
		e.setMode(mode);
		e.setIds(1234, 99);
		e.setSize(data.length);
		t.putArchiveEntry(e);
		t.write(data);
		t.closeArchiveEntry();
	}

}
