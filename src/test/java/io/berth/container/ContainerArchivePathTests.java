package io.berth.container;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The path rules dockerd applies before resolving: clean, absolute, trailing {@code /} and {@code /.} kept. */
class ContainerArchivePathTests {

	@Test
	void absoluteWhenRelativeOrClimbingIsCleanedUnderRoot() {
		assertThat(ContainerArchive.absolute("etc/hostname")).isEqualTo("/etc/hostname");
		assertThat(ContainerArchive.absolute("/../../etc/./passwd")).isEqualTo("/etc/passwd");
	}

	@Test
	void absoluteWhenTrailingSlashOrDotKeepsIt() {
		assertThat(ContainerArchive.absolute("/etc/")).isEqualTo("/etc/");
		assertThat(ContainerArchive.absolute("/etc/.")).isEqualTo("/etc/.");
		assertThat(ContainerArchive.absolute("/etc/./")).isEqualTo("/etc/./");
		assertThat(ContainerArchive.absolute(".")).isEqualTo("/.");
		assertThat(ContainerArchive.absolute("/")).isEqualTo("/");
	}

	@Test
	void goBaseMatchesFilepathBase() {
		assertThat(ContainerArchive.goBase("/etc/")).isEqualTo("etc");
		assertThat(ContainerArchive.goBase("/etc/.")).isEqualTo(".");
		assertThat(ContainerArchive.goBase("/")).isEqualTo("/");
		assertThat(ContainerArchive.goBase("/etc/hostname")).isEqualTo("hostname");
	}

}
