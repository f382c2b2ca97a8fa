package io.berth.volume;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.berth.error.SystemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Tests for {@link LocalMounts}; mounting needs root, which the engine and its test runs have. */
class LocalMountsTests {

	@TempDir
	Path dir;

	@Test
	void needsMountOnlyWithTypeOrDevice() {
		assertThat(LocalMounts.needsMount(Map.of())).isFalse();
		assertThat(LocalMounts.needsMount(Map.of("o", "size=1m"))).isFalse();
		assertThat(LocalMounts.needsMount(Map.of("type", "tmpfs", "device", "tmpfs"))).isTrue();
	}

	@Test
	void mountWhenTmpfsOptionsMountsOnceAndUnmountUndoesIt() throws Exception {
		assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
		Path target = Files.createDirectories(this.dir.resolve("my vol/_data"));
		Map<String, String> options = Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m");
		LocalMounts.mount(target, options);
		try {
			assertThat(LocalMounts.isMountPoint(target)).isTrue();
			// A second prepare finds it mounted and leaves it alone.
			LocalMounts.mount(target, options);
			Files.writeString(target.resolve("f"), "x");
		}
		finally {
			LocalMounts.unmount(target);
		}
		assertThat(LocalMounts.isMountPoint(target)).isFalse();
		assertThat(target.resolve("f")).doesNotExist();
	}

	@Test
	void mountWhenDeviceMissingFailsWithMountsMessage() throws Exception {
		assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
		Path target = Files.createDirectories(this.dir.resolve("v/_data"));
		assertThatThrownBy(() -> LocalMounts.mount(target,
				Map.of("type", "none", "device", this.dir.resolve("missing").toString(), "o", "bind")))
			.isInstanceOf(SystemException.class)
			.hasMessageStartingWith("error while mounting volume '" + target + "'");
	}

}
