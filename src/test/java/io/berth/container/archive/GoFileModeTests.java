package io.berth.container.archive;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Unix st_mode to Go's os.FileMode, the numbers the docker CLI decodes from the path-stat header. */
class GoFileModeTests {

	@Test
	void ofWhenDirectoryIsHighBitPlusPermissions() {
		assertThat(GoFileMode.of(0040755)).isEqualTo(2147484141L);
	}

	@Test
	void ofWhenRegularFileIsJustPermissions() {
		assertThat(GoFileMode.of(0100644)).isEqualTo(420L);
	}

	@Test
	void ofWhenSymlinkSetsBit27() {
		assertThat(GoFileMode.of(0120777)).isEqualTo((1L << 27) | 0777);
	}

	@Test
	void ofWhenSetIdAndStickyUseGoBitsNotOctal() {
		assertThat(GoFileMode.of(0104755)).isEqualTo(GoFileMode.SETUID | 0755);
		assertThat(GoFileMode.of(0102755)).isEqualTo(GoFileMode.SETGID | 0755);
		assertThat(GoFileMode.of(0041777)).isEqualTo(GoFileMode.DIR | GoFileMode.STICKY | 0777);
	}

	@Test
	void ofWhenDevicesAndPipesAndSockets() {
		assertThat(GoFileMode.of(0020666)).isEqualTo(GoFileMode.DEVICE | GoFileMode.CHAR_DEVICE | 0666);
		assertThat(GoFileMode.of(0060660)).isEqualTo(GoFileMode.DEVICE | 0660);
		assertThat(GoFileMode.of(0010644)).isEqualTo(GoFileMode.NAMED_PIPE | 0644);
		assertThat(GoFileMode.of(0140755)).isEqualTo(GoFileMode.SOCKET | 0755);
	}

}
