package io.berth.image.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.berth.content.BlobStore;
import io.berth.paths.EnginePaths;
import io.berth.paths.EngineProperties;
import io.berth.image.layer.HostileLayers.Accepted;
import io.berth.image.layer.HostileLayers.Case;
import io.berth.image.layer.HostileLayers.Refused;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Every {@link HostileLayers} case through the real {@link LayerStore#unpack} on the real file system, as root, as the
 * daemon runs: a refused layer names its entry and leaves nothing behind, an accepted one has the promised shape, and
 * in both cases the host (a canary directory, /etc/passwd, /etc/shadow, the escape targets) is exactly as before.
 */
class HostileLayersTests {

	private static final long MAX_SIZE = 64L * 1024 * 1024;

	/**
	 * What a bomb may make the generator produce: the limit plus read-ahead, where one buffer of compressed zeros is
	 * a thousand times its size; the bombs hold gigabytes, so stopping anywhere near the limit proves the bound.
	 */
	private static final long MAX_BYTES_READ = 2 * MAX_SIZE;

	private static final List<Path> HOST_FILES = List.of(Path.of("/etc/passwd"), Path.of("/etc/shadow"));

	private static final List<Path> HOST_ESCAPES = List.of(HostileLayers.HOST_ESCAPE, HostileLayers.HOST_ETC_ENTRY,
			HostileLayers.HOST_ROOT_ESCAPE);

	@TempDir
	Path temp;

	private Path canary;

	@BeforeEach
	void createCanary() throws IOException {
		this.canary = Files.createDirectories(this.temp.resolve("canary"));
		Files.writeString(this.canary.resolve("file"), "canary\n");
		Files.createDirectories(this.canary.resolve("sub"));
		Files.writeString(this.canary.resolve("sub/passwd"), "canary:x:0:0\n");
		Files.createSymbolicLink(this.canary.resolve("link"), Path.of("file"));
	}

	@Test
	void corpusCoversTheRequiredCases() {
		List<Case> cases = HostileLayers.all(this.canary, MAX_SIZE);
		assertThat(cases).hasSizeGreaterThanOrEqualTo(15);
		assertThat(cases.stream().map(Case::name)).doesNotHaveDuplicates();
		assertThat(cases.stream().filter((c) -> c.expected() instanceof Refused)).isNotEmpty();
		assertThat(cases.stream().filter((c) -> c.expected() instanceof Accepted)).isNotEmpty();
	}

	@TestFactory
	Stream<DynamicTest> unpackKeepsTheHostUntouched() {
		return HostileLayers.all(this.canary, MAX_SIZE).stream()
			.map((c) -> DynamicTest.dynamicTest(c.name(), () -> assertTimeoutPreemptively(Duration.ofSeconds(60),
					() -> check(c))));
	}

	private void check(Case c) throws IOException {
		for (Path escape : HOST_ESCAPES) {
			assertThat(escape).as("left over from an earlier run").doesNotExist();
		}
		Map<String, String> canaryBefore = FileStates.snapshot(this.canary);
		Map<String, String> hostBefore = hostFiles();
		Map<String, String> tempBefore = FileStates.types(this.temp);
		Path data = this.temp.resolve("data-" + c.name());
		EnginePaths paths = new EnginePaths(
				new EngineProperties(data.toString(), this.temp.resolve("exec-" + c.name()).toString()));
		BlobStore blobs = new BlobStore(paths);
		Map<String, String> dataBefore = FileStates.types(data);
		long readBefore = HostileLayers.gzipInputRead.get();

		if (c.expected() instanceof Refused refused) {
			Throwable thrown = catchThrowable(() -> unpack(paths, blobs, c));
			assertThat(thrown).as(c.name()).isInstanceOf(InvalidLayerException.class);
			if (refused.entry() != null) {
				assertThat(thrown).hasMessageContaining("\"" + refused.entry() + "\"");
			}
			assertThat(thrown).hasMessageContaining(refused.reason());
		}
		else if (c.expected() instanceof Accepted accepted) {
			try (PendingLayer layer = unpack(paths, blobs, c)) {
				assertThat(layer.directory().getParent()).isEqualTo(paths.tmp());
				accepted.check().verify(layer.directory());
			}
		}

		assertThat(HostileLayers.gzipInputRead.get() - readBefore).as("uncompressed bytes read")
			.isLessThanOrEqualTo(MAX_BYTES_READ);
		try (Stream<Path> s = Files.list(paths.tmp())) {
			assertThat(s.toList()).as("temp entries left behind").isEmpty();
		}
		assertThat(FileStates.types(data)).as("the store outside the unpack root").isEqualTo(dataBefore);
		Map<String, String> tempAfter = FileStates.types(this.temp);
		tempAfter.keySet().removeIf((p) -> p.startsWith("data-" + c.name()) || p.startsWith("exec-" + c.name()));
		assertThat(tempAfter).as("the directory around the store").isEqualTo(tempBefore);
		assertThat(FileStates.snapshot(this.canary)).as("the canary").isEqualTo(canaryBefore);
		assertThat(hostFiles()).as("/etc/passwd and /etc/shadow").isEqualTo(hostBefore);
		for (Path escape : HOST_ESCAPES) {
			assertThat(escape).doesNotExist();
		}
	}

	@Test
	void gzipBombIsStoppedAfterTheLimitNotAtItsEnd() {
		Case bomb = HostileLayers.all(this.canary, MAX_SIZE).stream()
			.filter((c) -> c.name().equals("gzip-bomb-many-entries")).findFirst().orElseThrow();
		EnginePaths paths = new EnginePaths(new EngineProperties(this.temp.resolve("data").toString(),
				this.temp.resolve("exec").toString()));
		BlobStore blobs = new BlobStore(paths);
		long before = HostileLayers.gzipInputRead.get();
		assertThatThrownBy(() -> unpack(paths, blobs, bomb)).isInstanceOf(InvalidLayerException.class);
		long read = HostileLayers.gzipInputRead.get() - before;
		assertThat(read).isGreaterThan(MAX_SIZE / 2).isLessThanOrEqualTo(MAX_BYTES_READ);
	}

	private static PendingLayer unpack(EnginePaths paths, BlobStore blobs, Case c) throws IOException {
		try (InputStream in = c.open()) {
			return LayerStore.unpack(paths.tmp(), blobs, in, MAX_SIZE);
		}
	}

	private static Map<String, String> hostFiles() throws IOException {
		Map<String, String> out = new TreeMap<>();
		for (Path p : HOST_FILES) {
			out.put(p.toString(), FileStates.describe(p));
		}
		return out;
	}

}
