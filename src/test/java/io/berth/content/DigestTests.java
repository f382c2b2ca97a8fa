package io.berth.content;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import io.berth.error.InvalidParameterException;
import io.berth.paths.EnginePaths;
import io.berth.paths.EngineProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Digests and the blob store. */
class DigestTests {

	private static final String EMPTY = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

	@TempDir
	Path temp;

	@Test
	void ofComputesSha256InCanonicalForm() {
		assertThat(Digest.of(new byte[0]).value()).isEqualTo(EMPTY);
		assertThat(Digest.of(new byte[0]).hex()).hasSize(64);
		assertThat(Digest.of(new byte[0]).shortHex()).isEqualTo("e3b0c44298fc");
	}

	@Test
	void parseWhenNotCanonicalIsRefused() {
		assertThat(Digest.parse(EMPTY)).isEqualTo(Digest.of(new byte[0]));
		for (String bad : new String[] { "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
				"sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "sha256:abc",
				"sha512:" + "a".repeat(128), "", "sha256:" + "g".repeat(64) }) {
			assertThatThrownBy(() -> Digest.parse(bad)).isInstanceOf(InvalidParameterException.class);
			assertThat(Digest.isDigest(bad)).isFalse();
		}
	}

	@Test
	void putStoresBlobUnderItsDigestAndLeavesNoTempFile() throws Exception {
		EnginePaths paths = new EnginePaths(
				new EngineProperties(this.temp.resolve("d").toString(), this.temp.resolve("e").toString()));
		BlobStore store = new BlobStore(paths);
		byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
		Digest d = store.put(data);
		assertThat(d).isEqualTo(Digest.of(data));
		assertThat(store.path(d)).hasBinaryContent(data);
		assertThat(store.put(data)).isEqualTo(d);
		assertThat(store.read(d)).isEqualTo(data);
		try (Stream<Path> tmp = Files.list(paths.tmp())) {
			assertThat(tmp.toList()).isEmpty();
		}
		try (BlobWriter abandoned = store.newWriter()) {
			abandoned.write(data);
		}
		try (Stream<Path> tmp = Files.list(paths.tmp())) {
			assertThat(tmp.toList()).isEmpty();
		}
		store.delete(d);
		assertThat(store.contains(d)).isFalse();
	}

	@Test
	void startRemovesStaleTempBlobs() throws Exception {
		EnginePaths paths = new EnginePaths(
				new EngineProperties(this.temp.resolve("d").toString(), this.temp.resolve("e").toString()));
		Path stale = Files.createFile(paths.tmp().resolve("blob-123.tmp"));
		Path foreign = Files.createFile(paths.tmp().resolve("other-feature"));
		new BlobStore(paths);
		assertThat(stale).doesNotExist();
		assertThat(foreign).exists();
	}

}
