package io.berth.build.context;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.berth.error.InvalidParameterException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BuildContextTests {

	private static final long MAX = 1024 * 1024;

	@TempDir
	Path temp;

	private Path work;

	private Path canary;

	@BeforeEach
	void setUp() throws IOException {
		this.work = this.temp.resolve("work");
		this.canary = this.temp.resolve("canary");
		Files.createDirectories(this.canary);
		Files.writeString(this.canary.resolve("canary.txt"), "safe");
	}

	private static byte[] simpleContext() throws IOException {
		return Tars.tar((t) -> {
			Tars.file(t, "Dockerfile", "FROM scratch\n");
			Tars.dir(t, "src", 0750);
			Tars.file(t, "src/app.sh", "#!/bin/sh\n", 0755);
			Tars.file(t, "src/suid", "x", 04755);
			Tars.file(t, "secret", "s", 0600);
			Tars.link(t, "src/link", TarConstants.LF_SYMLINK, "app.sh");
			Tars.link(t, "src/hard", TarConstants.LF_LINK, "src/app.sh");
		});
	}

	@Test
	void extractsAPlainTarKeepingModesAndMtimes() throws IOException {
		try (BuildContext ctx = BuildContext.extract(Tars.in(simpleContext()), this.work, MAX)) {
			Path root = ctx.root();
			assertThat(root.getParent()).isEqualTo(this.work);
			assertThat(root.getFileName().toString()).startsWith("ctx-");
			assertThat(Files.readString(root.resolve("src/app.sh"))).isEqualTo("#!/bin/sh\n");
			assertThat(mode(root.resolve("src/app.sh"))).isEqualTo(0755);
			assertThat(mode(root.resolve("secret"))).isEqualTo(0600);
			assertThat(mode(root.resolve("src"))).isEqualTo(0750);
			assertThat(mode(root.resolve("src/suid"))).as("setuid dropped").isEqualTo(0755);
			assertThat(Files.getLastModifiedTime(root.resolve("src/app.sh")))
				.isEqualTo(FileTime.fromMillis(1_600_000_000_000L));
			assertThat(Files.getLastModifiedTime(root.resolve("src"), LinkOption.NOFOLLOW_LINKS))
				.isEqualTo(FileTime.fromMillis(1_500_000_000_000L));
			assertThat(Files.isSymbolicLink(root.resolve("src/link"))).isTrue();
			assertThat(Files.readSymbolicLink(root.resolve("src/link")).toString()).isEqualTo("app.sh");
			assertThat(Files.isSameFile(root.resolve("src/hard"), root.resolve("src/app.sh"))).isTrue();
			assertThat(ctx.dockerfile(null)).isEqualTo("FROM scratch\n");
			assertThat(ctx.ignore().isEmpty()).isTrue();
		}
		assertThat(this.work).isEmptyDirectory();
	}

	@Test
	void extractsGzipAndBzip2Contexts() throws IOException {
		for (byte[] body : new byte[][] { Tars.gzip(simpleContext()), Tars.bzip2(simpleContext()) }) {
			try (BuildContext ctx = BuildContext.extract(Tars.in(body), this.work, MAX)) {
				assertThat(Files.readString(ctx.root().resolve("src/app.sh"))).isEqualTo("#!/bin/sh\n");
				assertThat(ctx.dockerfile("Dockerfile")).isEqualTo("FROM scratch\n");
			}
		}
		assertThat(this.work).isEmptyDirectory();
	}

	@Test
	void absoluteNamesBecomeRelative() throws IOException {
		byte[] tar = Tars.tar((t) -> Tars.file(t, "/abs/file", "a"));
		try (BuildContext ctx = BuildContext.extract(Tars.in(tar), this.work, MAX)) {
			assertThat(Files.readString(ctx.root().resolve("abs/file"))).isEqualTo("a");
		}
	}

	@Test
	void refusesDotDotEntries() throws IOException {
		assertRefused(Tars.tar((t) -> {
			Tars.file(t, "ok", "fine");
			Tars.file(t, "../evil", "x");
		}), "../evil");
		assertRefused(Tars.tar((t) -> {
			Tars.dir(t, "a", 0755);
			Tars.file(t, "a/../../evil", "x");
		}), "a/../../evil");
		assertThat(this.temp.resolve("evil")).doesNotExist();
	}

	@Test
	void neverWritesThroughASymlink() throws IOException {
		assertRefused(Tars.tar((t) -> {
			Tars.link(t, "link", TarConstants.LF_SYMLINK, this.canary.toString());
			Tars.file(t, "link/x", "overwritten");
		}), "link/x");
		assertRefused(Tars.tar((t) -> {
			Tars.link(t, "tmp", TarConstants.LF_SYMLINK, "/tmp");
			Tars.dir(t, "tmp/sub", 0755);
		}), "tmp/sub/");
		assertThat(this.canary.resolve("x")).doesNotExist();
	}

	@Test
	void anEntryReplacesASymlinkRatherThanFollowingIt() throws IOException {
		byte[] tar = Tars.tar((t) -> {
			Tars.link(t, "link", TarConstants.LF_SYMLINK, this.canary.resolve("canary.txt").toString());
			Tars.file(t, "link", "replaced");
		});
		try (BuildContext ctx = BuildContext.extract(Tars.in(tar), this.work, MAX)) {
			assertThat(Files.isSymbolicLink(ctx.root().resolve("link"))).isFalse();
			assertThat(Files.readString(ctx.root().resolve("link"))).isEqualTo("replaced");
		}
		assertCanaryUntouched();
	}

	@Test
	void refusesHardLinksToAnythingButEarlierFiles() throws IOException {
		assertRefused(Tars.tar((t) -> Tars.link(t, "passwd", TarConstants.LF_LINK, "/etc/passwd")), "passwd");
		assertRefused(Tars.tar((t) -> Tars.link(t, "up", TarConstants.LF_LINK, "../canary/canary.txt")), "up");
		assertRefused(Tars.tar((t) -> {
			Tars.link(t, "sym", TarConstants.LF_SYMLINK, this.canary.resolve("canary.txt").toString());
			Tars.link(t, "viaSymlink", TarConstants.LF_LINK, "sym");
		}), "viaSymlink");
	}

	@Test
	void refusesAHugeSizeClaimBeforeReadingIt() throws IOException {
		TarArchiveEntry big = new TarArchiveEntry("big.bin", TarConstants.LF_NORMAL, true);
		big.setSize(4L << 30);
		big.setMode(0100644);
		byte[] header = new byte[512];
		big.writeEntryHeader(header);
		byte[] body = Arrays.copyOf(header, 512 + 4096);
		assertThatThrownBy(() -> BuildContext.extract(Tars.in(body), this.work, MAX))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessage("the build context is larger than " + MAX + " bytes");
		assertThat(this.work).isEmptyDirectory();
	}

	@Test
	void refusesAContextOverTheLimit() throws IOException {
		byte[] tar = Tars.tar((t) -> {
			for (int i = 0; i < 30; i++) {
				Tars.file(t, "f" + i, "x".repeat(1000));
			}
		});
		assertThatThrownBy(() -> BuildContext.extract(Tars.in(Tars.gzip(tar)), this.work, 10_000))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessage("the build context is larger than 10000 bytes");
		assertThat(this.work).isEmptyDirectory();
	}

	@Test
	void refusesTooManyEntries() throws IOException {
		byte[] tar = Tars.tar((t) -> {
			for (int i = 0; i < 4; i++) {
				Tars.file(t, "f" + i, "");
			}
		});
		assertThatThrownBy(() -> BuildContext.extract(Tars.in(tar), this.work, MAX, 3))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessage("the build context has more than 3 entries");
		assertThat(this.work).isEmptyDirectory();
	}

	@Test
	void skipsDevicesAndFifos() throws IOException {
		byte[] tar = Tars.tar((t) -> {
			Tars.device(t, "null", TarConstants.LF_CHR);
			Tars.device(t, "disk", TarConstants.LF_BLK);
			Tars.device(t, "pipe", TarConstants.LF_FIFO);
			Tars.file(t, "after", "kept");
		});
		try (BuildContext ctx = BuildContext.extract(Tars.in(tar), this.work, MAX)) {
			assertThat(ctx.root().resolve("null")).doesNotExist();
			assertThat(ctx.root().resolve("disk")).doesNotExist();
			assertThat(ctx.root().resolve("pipe")).doesNotExist();
			assertThat(Files.readString(ctx.root().resolve("after"))).isEqualTo("kept");
		}
	}

	@Test
	void refusesABodyThatIsNoTar() {
		byte[] garbage = new byte[4096];
		new Random(1).nextBytes(garbage);
		assertThatThrownBy(() -> BuildContext.extract(Tars.in(garbage), this.work, MAX))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("not a valid tar");
		assertThat(this.work).isEmptyDirectory();
	}

	@Test
	void anEmptyBodyIsAnEmptyContext() {
		try (BuildContext ctx = BuildContext.extract(new ByteArrayInputStream(new byte[0]), this.work, MAX)) {
			assertThat(ctx.root()).isEmptyDirectory();
			assertThatThrownBy(() -> ctx.dockerfile(null)).isInstanceOf(InvalidParameterException.class)
				.hasMessage("Cannot locate specified Dockerfile: Dockerfile");
		}
	}

	@Test
	void findsTheDockerfileAsDockerdDoes() throws IOException {
		byte[] tar = Tars.tar((t) -> {
			Tars.file(t, "dockerfile", "FROM lower\n");
			Tars.file(t, "sub/Dockerfile.dev", "\uFEFFFROM dev\n");
			Tars.file(t, "real/Dockerfile", "FROM real\n");
			Tars.link(t, "linked", TarConstants.LF_SYMLINK, "/real/Dockerfile");
			Tars.link(t, "escaping", TarConstants.LF_SYMLINK, "../../../../../../etc/passwd");
			Tars.file(t, "empty", "");
			Tars.dir(t, "adir", 0755);
		});
		try (BuildContext ctx = BuildContext.extract(Tars.in(tar), this.work, MAX)) {
			assertThat(ctx.dockerfile(null)).as("lower-case fallback").isEqualTo("FROM lower\n");
			assertThat(ctx.dockerfile("")).isEqualTo("FROM lower\n");
			assertThat(ctx.dockerfile("sub/Dockerfile.dev")).as("BOM dropped").isEqualTo("FROM dev\n");
			assertThat(ctx.dockerfile("./sub//Dockerfile.dev")).isEqualTo("FROM dev\n");
			assertThat(ctx.dockerfile("linked")).as("symlink followed inside").isEqualTo("FROM real\n");
			assertThat(ctx.dockerfile("/real/Dockerfile")).as("absolute taken inside").isEqualTo("FROM real\n");
			assertThatThrownBy(() -> ctx.dockerfile("escaping")).hasMessage(
					"Cannot locate specified Dockerfile: escaping");
			assertThatThrownBy(() -> ctx.dockerfile("../x")).isInstanceOf(InvalidParameterException.class)
				.hasMessage("the Dockerfile (../x) must be within the build context");
			assertThatThrownBy(() -> ctx.dockerfile("sub/../../x")).isInstanceOf(InvalidParameterException.class)
				.hasMessage("the Dockerfile (sub/../../x) must be within the build context");
			assertThatThrownBy(() -> ctx.dockerfile("missing/Dockerfile"))
				.isInstanceOf(InvalidParameterException.class)
				.hasMessage("Cannot locate specified Dockerfile: missing/Dockerfile");
			assertThatThrownBy(() -> ctx.dockerfile("Dockerfile.other")).isInstanceOf(InvalidParameterException.class)
				.hasMessage("Cannot locate specified Dockerfile: Dockerfile.other");
			assertThatThrownBy(() -> ctx.dockerfile("empty")).isInstanceOf(InvalidParameterException.class)
				.hasMessage("the Dockerfile (empty) cannot be empty");
			assertThatThrownBy(() -> ctx.dockerfile("adir")).isInstanceOf(InvalidParameterException.class)
				.hasMessageContaining("is a directory");
		}
	}

	@Test
	void refusesADockerfileOverTenMebibytes() throws IOException {
		String big = "#".repeat(BuildContext.MAX_FILE_BYTES + 1);
		byte[] tar = Tars.tar((t) -> Tars.file(t, "Dockerfile", big));
		try (BuildContext ctx = BuildContext.extract(Tars.in(tar), this.work, 64L << 20)) {
			assertThatThrownBy(() -> ctx.dockerfile(null)).isInstanceOf(InvalidParameterException.class)
				.hasMessageContaining("larger than " + BuildContext.MAX_FILE_BYTES);
		}
	}

	@Test
	void readsTheDockerignoreAndStillReadsAnExcludedDockerfile() throws IOException {
		byte[] tar = Tars.tar((t) -> {
			Tars.file(t, "Dockerfile", "FROM scratch\n");
			Tars.file(t, ".dockerignore", "# build files\nDockerfile\n.dockerignore\n*.log\n");
			Tars.file(t, "app.log", "noise");
		});
		try (BuildContext ctx = BuildContext.extract(Tars.in(tar), this.work, MAX)) {
			assertThat(ctx.ignore().patterns()).containsExactly("Dockerfile", ".dockerignore", "*.log");
			assertThat(ctx.dockerfile(null)).isEqualTo("FROM scratch\n");
			assertThatThrownBy(() -> ctx.sources().resolve(List.of("Dockerfile")))
				.isInstanceOf(InvalidParameterException.class);
		}
	}

	@Test
	void aMalformedDockerignoreFailsTheExtractAndLeavesNothing() throws IOException {
		byte[] tar = Tars.tar((t) -> Tars.file(t, ".dockerignore", "[oops\n"));
		assertThatThrownBy(() -> BuildContext.extract(Tars.in(tar), this.work, MAX))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("[oops");
		assertThat(this.work).isEmptyDirectory();
	}

	@Test
	void closeDeletesReadOnlyDirectoriesAndNeverFollowsSymlinks() throws IOException {
		byte[] tar = Tars.tar((t) -> {
			Tars.file(t, "ro/f", "x");
			Tars.dir(t, "ro", 0555);
			Tars.dir(t, "locked", 0000);
			Tars.link(t, "out", TarConstants.LF_SYMLINK, this.canary.toString());
		});
		BuildContext ctx = BuildContext.extract(Tars.in(tar), this.work, MAX);
		assertThat(mode(ctx.root().resolve("ro"))).isEqualTo(0555);
		ctx.close();
		ctx.close();
		assertThat(this.work).isEmptyDirectory();
		assertCanaryUntouched();
	}

	private void assertRefused(byte[] tar, String entry) throws IOException {
		assertThatThrownBy(() -> BuildContext.extract(Tars.in(tar), this.work, MAX))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("\"" + entry + "\"");
		assertThat(this.work).isEmptyDirectory();
		assertCanaryUntouched();
	}

	private void assertCanaryUntouched() throws IOException {
		try (Stream<Path> files = Files.list(this.canary)) {
			assertThat(files.map((p) -> p.getFileName().toString())).containsExactly("canary.txt");
		}
		assertThat(Files.readString(this.canary.resolve("canary.txt"))).isEqualTo("safe");
	}

	private static int mode(Path path) throws IOException {
		return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
	}

}
