package io.berth.content;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Sha256Tests {

	@Test
	void libcryptoIsUsedOnTheMachinesBerthRunsOn() {
		// Debian always has libssl3; without it pulls hash at a tenth of the speed under the daemon's C1 compiler.
		assertThat(Sha256.isNative()).isTrue();
	}

	@Test
	void streamingDigestEqualsTheJdksForEverySplit() {
		byte[] data = new byte[300_000];
		new Random(7).nextBytes(data);
		Digest expected = Digest.of(data);
		for (int chunk : new int[] { 1, 63, 64, 65, 8192, 300_000 }) {
			try (Sha256 h = Sha256.start()) {
				for (int off = 0; off < data.length; off += chunk) {
					h.update(data, off, Math.min(chunk, data.length - off));
				}
				assertThat(h.finish()).as("chunks of %d", chunk).isEqualTo(expected);
			}
		}
	}

	@Test
	void emptyInputHasTheWellKnownDigest() {
		try (Sha256 h = Sha256.start()) {
			h.update(new byte[0], 0, 0);
			assertThat(h.finish().hex())
				.isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
		}
	}

}
