package io.berth.container.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Symlinks resolved as the container sees them: however they point, the result stays in the container's root. */
class ScopedPathTests {

	@TempDir
	Path temp;

	private Path root;

	private RootView view;

	@BeforeEach
	void setUp() throws IOException {
		this.root = Files.createDirectories(this.temp.resolve("rootfs"));
		Files.createDirectories(this.root.resolve("etc"));
		Files.writeString(this.root.resolve("etc/shadow"), "container shadow\n");
		Files.createDirectories(this.root.resolve("a/b"));
		Files.createSymbolicLink(this.root.resolve("escape"), Path.of("/../../../../etc/shadow"));
		Files.createSymbolicLink(this.root.resolve("relative-escape"), Path.of("../../../../../etc"));
		Files.createSymbolicLink(this.root.resolve("a/b/up"), Path.of("../../../.."));
		Files.createSymbolicLink(this.root.resolve("etcdir"), Path.of("/etc"));
		Files.createSymbolicLink(this.root.resolve("loop1"), Path.of("loop2"));
		Files.createSymbolicLink(this.root.resolve("loop2"), Path.of("/loop1"));
		Files.createSymbolicLink(this.root.resolve("chain"), Path.of("a/b/up/etcdir"));
		this.view = RootView.mounted(this.root, List.of());
	}

	/** Removes the planted links ourselves, so JUnit's cleanup never meets a link pointing out of its directory. */
	@AfterEach
	void tearDown() throws IOException {
		TarExtractor.deleteTree(this.temp.resolve("rootfs"));
		TarExtractor.deleteTree(this.temp.resolve("volume"));
	}

	@Test
	void resolveWhenAbsoluteLinkClimbsAboveRootStaysInside() {
		assertThat(ScopedPath.resolve(this.view, "/escape")).containsExactly("etc", "shadow");
	}

	@Test
	void resolveWhenRelativeLinkClimbsAboveRootStopsAtRoot() {
		assertThat(ScopedPath.resolve(this.view, "/relative-escape/shadow")).containsExactly("etc", "shadow");
		assertThat(ScopedPath.resolve(this.view, "/a/b/up/etc/shadow")).containsExactly("etc", "shadow");
	}

	@Test
	void resolveWhenLinksChainFollowsEachInScope() {
		assertThat(ScopedPath.resolve(this.view, "/chain/shadow")).containsExactly("etc", "shadow");
		assertThat(ScopedPath.resolve(this.view, "/etcdir/../a")).containsExactly("a");
	}

	@Test
	void resolveWhenDotDotInRequestIsClampedAtRoot() {
		assertThat(ScopedPath.resolve(this.view, "/../../etc/./shadow")).containsExactly("etc", "shadow");
	}

	@Test
	void resolveWhenPathIsMissingKeepsItLexically() {
		assertThat(ScopedPath.resolve(this.view, "/etcdir/new/file")).containsExactly("etc", "new", "file");
	}

	@Test
	void resolveWhenLinksLoopIsRefused() {
		assertThatThrownBy(() -> ScopedPath.resolve(this.view, "/loop1")).isInstanceOf(ArchiveException.class)
			.hasMessageContaining("too many links");
	}

	@Test
	void resolveWhenRelativeToABaseStartsThere() {
		assertThat(ScopedPath.resolve(this.view, List.of("a"), "b/up/etcdir")).containsExactly("etc");
	}

	@Test
	void resolveWhenMountIsOnTheWaySwitchesToItsSource() throws IOException {
		Path volume = Files.createDirectories(this.temp.resolve("volume"));
		Files.createSymbolicLink(volume.resolve("out"), Path.of("/../../etc"));
		RootView withMount = RootView.mounted(this.root,
				List.of(new RootView.Mount(List.of("data"), volume, false)));
		assertThat(ScopedPath.resolve(withMount, "/data/out/shadow")).containsExactly("etc", "shadow");
		assertThat(withMount.lookup(List.of("data")).orElseThrow().origin()).isEqualTo(RootView.Origin.MOUNT);
	}

	@Test
	void cleanWhenPathClimbsStaysAtRoot() {
		assertThat(ScopedPath.clean("../a/../../b/./c/")).containsExactly("b", "c");
	}

}
