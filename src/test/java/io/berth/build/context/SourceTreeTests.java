package io.berth.build.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import io.berth.error.InvalidParameterException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceTreeTests {

	@TempDir
	Path temp;

	/** A context: a.txt b.txt c.md sub/{c.txt,d.md,deep/e.txt} link-to-a -> a.txt. */
	private Path context(String name) throws IOException {
		Path root = Files.createDirectories(this.temp.resolve(name));
		write(root, "a.txt", "alpha");
		write(root, "b.txt", "beta");
		write(root, "c.md", "gamma");
		write(root, "sub/c.txt", "sub c");
		write(root, "sub/d.md", "sub d");
		write(root, "sub/deep/e.txt", "deep e");
		Files.createSymbolicLink(root.resolve("link-to-a"), Path.of("a.txt"));
		return root;
	}

	@Test
	void resolvesPlainSourcesCleaningThem() throws IOException {
		SourceTree tree = SourceTree.of(context("ctx"), DockerIgnore.empty());
		List<Source> found = tree.resolve(List.of("a.txt", "/sub/c.txt", "./sub//deep/../deep/e.txt", ".", "/"));
		assertThat(found).extracting(Source::name).containsExactly("a.txt", "sub/c.txt", "sub/deep/e.txt", ".", ".");
		assertThat(found).extracting(Source::argument)
			.containsExactly("a.txt", "/sub/c.txt", "./sub//deep/../deep/e.txt", ".", "/");
		assertThat(found.get(3).isDirectory()).isTrue();
		assertThat(found.get(0).isDirectory()).isFalse();
	}

	@Test
	void globsPerPathComponentInLexicalOrder() throws IOException {
		SourceTree tree = SourceTree.of(context("ctx"), DockerIgnore.empty());
		assertThat(names(tree, "*.txt")).containsExactly("a.txt", "b.txt");
		assertThat(names(tree, "?.md")).containsExactly("c.md");
		assertThat(names(tree, "[ab].txt")).containsExactly("a.txt", "b.txt");
		assertThat(names(tree, "[^a].txt")).containsExactly("b.txt");
		assertThat(names(tree, "*/*.txt")).containsExactly("sub/c.txt");
		assertThat(names(tree, "sub/*")).containsExactly("sub/c.txt", "sub/d.md", "sub/deep");
		assertThat(names(tree, "*", "sub/*/e.txt")).containsExactly("a.txt", "b.txt", "c.md", "link-to-a", "sub",
				"sub/deep/e.txt");
	}

	@Test
	void aSymlinkFoundIsFollowedButKeepsItsName() throws IOException {
		SourceTree tree = SourceTree.of(context("ctx"), DockerIgnore.empty());
		Source link = tree.resolve(List.of("link-to-a")).get(0);
		assertThat(link.name()).isEqualTo("link-to-a");
		assertThat(link.resolvedPath()).isEqualTo("a.txt");
	}

	@Test
	void aMissingSourceIsReportedAsDockerdReportsIt() throws IOException {
		SourceTree tree = SourceTree.of(context("ctx"), DockerIgnore.empty());
		assertThatThrownBy(() -> tree.resolve(List.of("a.txt", "nope.txt")))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessage("COPY failed: file not found in build context or excluded by .dockerignore: "
					+ "stat nope.txt: file does not exist");
		assertThatThrownBy(() -> tree.resolve(List.of("*.java"), "ADD"))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessage("ADD failed: file not found in build context or excluded by .dockerignore: "
					+ "stat *.java: file does not exist");
		assertThatThrownBy(() -> tree.resolve(List.of("a.txt/x")))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("stat a.txt/x: file does not exist");
		SourceTree image = SourceTree.of(context("image"), null);
		assertThatThrownBy(() -> image.resolve(List.of("nope")))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessage("COPY failed: stat nope: file does not exist");
	}

	@Test
	void refusesPathsClimbingOutOfTheTree() throws IOException {
		SourceTree tree = SourceTree.of(context("ctx"), DockerIgnore.empty());
		assertThatThrownBy(() -> tree.resolve(List.of("../x")))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessage("COPY failed: forbidden path outside the build context: ../x ()");
		assertThatThrownBy(() -> tree.resolve(List.of("sub/../../x")))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessage("COPY failed: forbidden path outside the build context: sub/../../x ()");
		assertThatThrownBy(() -> tree.resolve(List.of("../*")))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("forbidden path outside the build context");
	}

	@Test
	void ignoredFilesAreInvisible() throws IOException {
		Path root = context("ctx");
		SourceTree tree = SourceTree.of(root, DockerIgnore.parse("**/*.md\nsub/deep\nlink-to-a\n"));
		assertThatThrownBy(() -> tree.resolve(List.of("sub/d.md"))).isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("excluded by .dockerignore");
		assertThatThrownBy(() -> tree.resolve(List.of("sub/deep/e.txt")))
			.isInstanceOf(InvalidParameterException.class);
		assertThatThrownBy(() -> tree.resolve(List.of("link-to-a"))).isInstanceOf(InvalidParameterException.class);
		assertThat(names(tree, "sub/*")).containsExactly("sub/c.txt");
		assertThat(names(tree, "*")).containsExactly("a.txt", "b.txt", "sub");

		String before = tree.checksum(tree.resolve(List.of(".")));
		Files.writeString(root.resolve("sub/d.md"), "changed but ignored");
		Files.writeString(root.resolve("sub/deep/e.txt"), "changed but ignored");
		SourceTree again = SourceTree.of(root, DockerIgnore.parse("**/*.md\nsub/deep\nlink-to-a\n"));
		assertThat(again.checksum(again.resolve(List.of(".")))).isEqualTo(before);
	}

	@Test
	void anExceptionReIncludesAFileInAnExcludedDirectory() throws IOException {
		Path root = context("ctx");
		SourceTree tree = SourceTree.of(root, DockerIgnore.parse("sub\n!sub/deep/e.txt\n"));
		assertThat(tree.resolve(List.of("sub/deep/e.txt"))).extracting(Source::resolvedPath)
			.containsExactly("sub/deep/e.txt");
		assertThat(names(tree, "sub/*")).containsExactly("sub/deep");
		assertThatThrownBy(() -> tree.resolve(List.of("sub/c.txt"))).isInstanceOf(InvalidParameterException.class);

		SourceTree nothingKept = SourceTree.of(root, DockerIgnore.parse("sub\n!sub/missing\n"));
		assertThatThrownBy(() -> nothingKept.resolve(List.of("sub"))).isInstanceOf(InvalidParameterException.class);
	}

	@Test
	void symlinksResolveInsideTheTreeAsIfItWereTheRoot() throws IOException {
		Path root = context("image");
		write(root, "etc/passwd", "root:x:0:0:inside the tree");
		Files.createSymbolicLink(root.resolve("abs"), Path.of("/etc/passwd"));
		Files.createSymbolicLink(root.resolve("climb"), Path.of("../../../../../../etc/passwd"));
		Files.createSymbolicLink(root.resolve("sub/up"), Path.of(".."));
		Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
		SourceTree tree = SourceTree.of(root, null);
		assertThat(tree.resolve(List.of("abs", "climb", "sub/up/a.txt", "sub/up/sub/up/etc/passwd")))
			.extracting(Source::resolvedPath)
			.containsExactly("etc/passwd", "etc/passwd", "a.txt", "etc/passwd");
		assertThatThrownBy(() -> tree.resolve(List.of("loop"))).isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("symbolic links");

		Path bare = context("bare");
		Files.createSymbolicLink(bare.resolve("passwd"), Path.of("/etc/passwd"));
		assertThatThrownBy(() -> SourceTree.of(bare, null).resolve(List.of("passwd")))
			.as("the host's /etc/passwd is never reached")
			.isInstanceOf(InvalidParameterException.class);
	}

	@Test
	void theChecksumIsStableAndSensitiveToWhatIsCopied() throws IOException {
		Path one = context("one");
		Path two = context("two");
		assertThat(checksum(one, ".")).isEqualTo(checksum(two, "."));
		assertThat(checksum(one, "*.txt")).isEqualTo(checksum(two, "*.txt"));
		assertThat(checksum(one, "a.txt")).isNotEqualTo(checksum(one, "b.txt"));

		String before = checksum(two, ".");
		Files.setLastModifiedTime(two.resolve("sub/c.txt"), FileTime.fromMillis(0));
		Files.setLastModifiedTime(two.resolve("sub"), FileTime.fromMillis(0));
		assertThat(checksum(two, ".")).as("mtime is left out").isEqualTo(before);

		Files.writeString(two.resolve("sub/c.txt"), "sub C");
		assertThat(checksum(two, ".")).as("content").isNotEqualTo(before);
		Files.writeString(two.resolve("sub/c.txt"), "sub c");
		assertThat(checksum(two, ".")).isEqualTo(before);

		Files.setPosixFilePermissions(two.resolve("sub/c.txt"), PosixFilePermissions.fromString("rwxr-xr-x"));
		assertThat(checksum(two, ".")).as("mode").isNotEqualTo(before);
		Files.setPosixFilePermissions(two.resolve("sub/c.txt"), PosixFilePermissions.fromString("rw-r--r--"));
		assertThat(checksum(two, ".")).isEqualTo(before);

		Files.move(two.resolve("sub/c.txt"), two.resolve("sub/c2.txt"));
		assertThat(checksum(two, ".")).as("name").isNotEqualTo(before);
		Files.move(two.resolve("sub/c2.txt"), two.resolve("sub/c.txt"));
		assertThat(checksum(two, ".")).isEqualTo(before);

		Files.delete(two.resolve("link-to-a"));
		Files.createSymbolicLink(two.resolve("link-to-a"), Path.of("b.txt"));
		assertThat(checksum(two, ".")).as("symlink target").isNotEqualTo(before);
	}

	@Test
	void theChecksumOfALargeTreeIsQuick() throws IOException {
		Path root = Files.createDirectories(this.temp.resolve("large"));
		byte[] chunk = new byte[1024 * 1024];
		for (int i = 0; i < 60; i++) {
			chunk[0] = (byte) i;
			Files.write(root.resolve("f" + i), chunk);
		}
		SourceTree tree = SourceTree.of(root, DockerIgnore.empty());
		long start = System.nanoTime();
		String sum = tree.checksum(tree.resolve(List.of(".")));
		long millis = (System.nanoTime() - start) / 1_000_000;
		assertThat(sum).hasSize(64);
		assertThat(millis).as("60 MB hashed in %d ms", millis).isLessThan(5_000);
	}

	private static String checksum(Path root, String source) {
		SourceTree tree = SourceTree.of(root, DockerIgnore.empty());
		return tree.checksum(tree.resolve(List.of(source)));
	}

	private static List<String> names(SourceTree tree, String... sources) {
		return tree.resolve(List.of(sources)).stream().map(Source::name).toList();
	}

	private static void write(Path root, String name, String content) throws IOException {
		Path file = root.resolve(name);
		Files.createDirectories(file.getParent());
		Files.writeString(file, content);
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
	}

}
