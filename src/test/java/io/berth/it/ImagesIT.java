package io.berth.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The image commands end to end: a real daemon driven by the real docker CLI, no registry involved. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImagesIT extends DaemonSupport {

	private static byte[] rootfs;

	@TempDir
	static Path temp;

	@Override
	protected void prepare() throws Exception {
		rootfs = BusyboxImage.rootfsTar();
	}

	@Test
	@Order(1)
	void importWithChangesIsListedAndInspectable() throws Exception {
		daemon.dockerWithInput(rootfs, "import", "-c", "CMD [\"sh\"]", "-c", "ENV FOO=bar", "-", "it-busybox:latest")
			.assertOk();
		assertThat(daemon.docker("images").assertOk().out()).containsPattern("it-busybox\\s+latest\\s+[0-9a-f]{12}");
		assertThat(inspectImage("it-busybox", "{{json .Config.Cmd}}")).isEqualTo("[\"sh\"]");
		assertThat(inspectImage("it-busybox", "{{json .Config.Env}}")).contains("FOO=bar").contains("PATH=");
		assertThat(inspectImage("it-busybox", "{{json .RootFS.Layers}}")).isEqualTo("[\"" + sha256(rootfs) + "\"]");
		assertThat(inspectImage("it-busybox", "{{.Comment}}")).isEqualTo("Imported from -");
		String id = inspectImage("it-busybox", "{{.Id}}");
		assertThat(inspectImage("docker.io/library/it-busybox:latest", "{{.Id}}")).isEqualTo(id);
		assertThat(inspectImage(id.substring("sha256:".length(), 19), "{{.Id}}")).isEqualTo(id);
		assertThat(inspectImage(id, "{{.Id}}")).isEqualTo(id);
		assertThat(daemon.docker("inspect", "--format", "{{.Id}}", "it-busybox").assertOk().out().strip())
			.isEqualTo(id);
		BusyboxImage.importInto(daemon, "busybox:latest");
		assertThat(inspectImage("busybox", "{{json .Config.Cmd}}")).isEqualTo("[\"sh\"]");
		assertThat(tempEntries()).isEmpty();
	}

	@Test
	@Order(2)
	void inspectWhenUnknownReportsNoSuchObject() {
		DockerCli.Result r = daemon.docker("inspect", "nosuch");
		assertThat(r.exitCode()).isEqualTo(1);
		assertThat(r.err()).contains("No such object: nosuch");
		DockerCli.Result image = daemon.docker("image", "inspect", "nosuch");
		assertThat(image.exitCode()).isEqualTo(1);
		assertThat(image.err()).contains("No such image");
	}

	@Test
	@Order(3)
	void tagThenRmiUntagsFirstAndDeletesWithLastReference() {
		daemon.dockerWithInput(rootfs, "import", "-", "it-tag:1").assertOk();
		String id = inspectImage("it-tag:1", "{{.Id}}");
		daemon.docker("tag", "it-tag:1", "it-other/name:2").assertOk();
		assertThat(inspectImage("it-other/name:2", "{{.Id}}")).isEqualTo(id);
		assertThat(daemon.docker("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").assertOk().out())
			.contains("it-tag:1 " + id.substring(7, 19))
			.contains("it-other/name:2 " + id.substring(7, 19));
		DockerCli.Result refused = daemon.docker("rmi", id.substring(7, 19));
		assertThat(refused.exitCode()).isNotZero();
		assertThat(refused.err()).contains("must be forced");
		assertThat(daemon.docker("rmi", "it-other/name:2").assertOk().out().strip())
			.isEqualTo("Untagged: it-other/name:2");
		assertThat(inspectImage("it-tag:1", "{{.Id}}")).isEqualTo(id);
		String out = daemon.docker("rmi", "it-tag:1").assertOk().out();
		assertThat(out).contains("Untagged: it-tag:1").contains("Deleted: " + id);
		assertThat(daemon.docker("image", "inspect", id).exitCode()).isNotZero();
		assertThat(daemon.docker("rmi", "it-tag:1").err()).contains("No such image: it-tag:1");
	}

	@Test
	@Order(4)
	void saveRmiLoadRestoresTheSameImage() throws Exception {
		daemon.dockerWithInput(rootfs, "import", "-c", "LABEL it=save", "-", "it-save:1").assertOk();
		daemon.docker("tag", "it-save:1", "it-save:2").assertOk();
		String id = inspectImage("it-save:1", "{{.Id}}");
		Path archive = temp.resolve("save.tar");
		daemon.docker("save", "-o", archive.toString(), "it-save:1", "it-save:2").assertOk();
		List<String> names = tarNames(Files.readAllBytes(archive));
		assertThat(names).contains("manifest.json", "repositories", "index.json", "oci-layout",
				"blobs/sha256/" + id.substring(7), "blobs/sha256/" + sha256(rootfs).substring(7));
		daemon.docker("rmi", "it-save:1", "it-save:2").assertOk();
		assertThat(daemon.docker("image", "inspect", "it-save:1").exitCode()).isNotZero();
		String loaded = daemon.docker("load", "-i", archive.toString()).assertOk().out();
		assertThat(loaded).contains("Loaded image: it-save:1").contains("Loaded image: it-save:2");
		assertThat(inspectImage("it-save:1", "{{.Id}}")).isEqualTo(id);
		assertThat(inspectImage("it-save:2", "{{.Config.Labels}}")).isEqualTo("map[it:save]");
		String again = daemon.dockerWithInput(Files.readAllBytes(archive), "load").assertOk().out();
		assertThat(again).contains("Loaded image: it-save:1");
		assertThat(tempEntries()).isEmpty();
	}

	@Test
	@Order(5)
	void historyShowsTheImportStep() {
		daemon.dockerWithInput(rootfs, "import", "-m", "from the test", "-", "it-history:1").assertOk();
		String id = inspectImage("it-history:1", "{{.Id}}");
		String out = daemon.docker("history", "--no-trunc", "--format", "{{.ID}}|{{.Comment}}|{{.Size}}",
				"it-history:1").assertOk().out();
		assertThat(out.strip()).startsWith(id + "|from the test|");
	}

	@Test
	@Order(6)
	void loadReadsOciLayoutsAndChecksTheirDigests() throws Exception {
		byte[] layer = layerTar("oci-file", "from an OCI layout");
		assertThat(daemon.dockerWithInput(ociLayout(layer, sha256(layer)), "load").assertOk().out())
			.contains("Loaded image: it-oci:1.0");
		assertThat(inspectImage("it-oci:1.0", "{{json .RootFS.Layers}}")).isEqualTo("[\"" + sha256(layer) + "\"]");
		assertThat(inspectImage("it-oci:1.0", "{{json .Config.Cmd}}")).isEqualTo("[\"sh\"]");

		// A stored layer is never read again (dockerd skips it too), so the lie must name a new diff ID.
		byte[] other = layerTar("tampered", "x");
		String claimed = sha256(layerTar("never-stored", "y"));
		DockerCli.Result refused = daemon.dockerWithInput(ociLayout(other, claimed), "load");
		assertThat(refused.exitCode()).isNotZero();
		assertThat(refused.err()).contains("invalid diffID");
		assertThat(tempEntries()).isEmpty();
	}

	@Test
	@Order(7)
	void importOfHostileTarIsRefusedAndLeavesNothing() throws Exception {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
			TarArchiveEntry e = new TarArchiveEntry("../../../../tmp/berth-it-pwned", true);
			e.setSize(1);
			tar.putArchiveEntry(e);
			tar.write('x');
			tar.closeArchiveEntry();
		}
		String before = daemon.docker("images", "-q").out();
		DockerCli.Result r = daemon.dockerWithInput(buf.toByteArray(), "import", "-", "it-evil:1");
		assertThat(r.exitCode()).isNotZero();
		assertThat(r.err()).contains("../../../../tmp/berth-it-pwned");
		assertThat(Path.of("/tmp/berth-it-pwned")).doesNotExist();
		assertThat(daemon.docker("images", "-q").out()).isEqualTo(before);
		assertThat(tempEntries()).isEmpty();
	}

	@Test
	@Order(8)
	void rmiWhenContainerUsesImageIsRefusedUntilItIsRemoved() {
		daemon.dockerWithInput(rootfs, "import", "-c", "CMD [\"sh\"]", "-", "it-inuse:1").assertOk();
		String id = inspectImage("it-inuse:1", "{{.Id}}");
		String container = daemon.docker("create", "it-inuse:1").assertOk().out().strip();
		DockerCli.Result refused = daemon.docker("rmi", "it-inuse:1");
		assertThat(refused.exitCode()).isNotZero();
		assertThat(refused.err()).contains("conflict: unable to remove repository reference \"it-inuse:1\" (must force)"
				+ " - container " + container.substring(0, 12) + " is using its referenced image "
				+ id.substring(7, 19));
		DockerCli.Result byId = daemon.docker("rmi", "-f", id);
		assertThat(byId.exitCode()).isNotZero();
		assertThat(byId.err()).contains("image is being used by container " + container.substring(0, 12));
		daemon.docker("rm", "-f", container).assertOk();
		assertThat(daemon.docker("rmi", "it-inuse:1").assertOk().out()).contains("Deleted: " + id);
	}

	@Test
	@Order(9)
	void restartAfterCrashRemovesHalfWrittenLayersAndTemps() throws Exception {
		daemon.dockerWithInput(rootfs, "import", "-", "it-crash:1").assertOk();
		// H2 writes commits to disk up to WRITE_DELAY (500 ms by default) later; see the report on durability.
		Thread.sleep(1500);
		daemon.kill9();
		Path tmp = daemon.dataRoot().resolve("tmp");
		Files.createDirectories(tmp.resolve("img-layer-123/etc"));
		Files.writeString(tmp.resolve("blob-456.tmp"), "partial");
		Path orphan = daemon.dataRoot().resolve("layers/sha256/" + "0".repeat(64));
		Files.createDirectories(orphan.resolve("bin"));
		daemon.launch();
		assertThat(tempEntries()).isEmpty();
		assertThat(orphan).doesNotExist();
		assertThat(inspectImage("it-crash:1", "{{json .RootFS.Layers}}")).isEqualTo("[\"" + sha256Unchecked(rootfs) + "\"]");
		assertThat(daemon.dataRoot().resolve("layers/sha256/" + sha256Unchecked(rootfs).substring(7) + "/bin/busybox"))
			.isRegularFile();
	}

	@Test
	@Order(10)
	void pruneFiltersByLabelAndAgeAndAllKeepsImagesInUse() {
		String keep = importDangling("LABEL it=keep");
		String drop = importDangling("LABEL it=drop");
		String older = importDangling("LABEL it=older");
		java.time.Instant between = java.time.Instant.now();
		String newer = importDangling("LABEL it=newer");

		String byLabel = daemon.docker("image", "prune", "-f", "--filter", "label=it=drop").assertOk().out();
		assertThat(byLabel).contains("deleted: " + drop).doesNotContain(keep).doesNotContain(older);
		String notLabel = daemon.docker("image", "prune", "-f", "--filter", "label!=it=keep", "--filter",
				"until=" + between.getEpochSecond() + "." + String.format("%09d", between.getNano()))
			.assertOk()
			.out();
		assertThat(notLabel).contains("deleted: " + older).doesNotContain(keep).doesNotContain(newer);
		assertThat(daemon.docker("image", "inspect", older).exitCode()).isNotZero();
		assertThat(inspectImage(newer, "{{.Id}}")).isEqualTo(newer);

		String container = daemon.docker("create", "busybox").assertOk().out().strip();
		String all = daemon.docker("image", "prune", "-a", "-f").assertOk().out();
		assertThat(all).contains("deleted: " + keep).contains("deleted: " + newer)
			.doesNotContain("untagged: busybox:latest");
		assertThat(daemon.docker("images", "--format", "{{.Repository}}").assertOk().out().strip())
			.isEqualTo("busybox");
		daemon.docker("rm", container).assertOk();
	}

	private String importDangling(String change) {
		return daemon.dockerWithInput(rootfs, "import", "-c", change, "-").assertOk().out().strip();
	}

	@Test
	@Order(11)
	void pruneRemovesDanglingImagesThenAllUnused() {
		String dangling = daemon.dockerWithInput(layerTarUnchecked("dangling"), "import", "-").assertOk().out().strip();
		assertThat(daemon.docker("images", "--filter", "dangling=true", "-q", "--no-trunc").out()).contains(dangling);
		String out = daemon.docker("image", "prune", "-f").assertOk().out();
		assertThat(out).contains("deleted: " + dangling);
		assertThat(daemon.docker("image", "inspect", dangling).exitCode()).isNotZero();
		assertThat(inspectImage("busybox", "{{.Id}}")).startsWith("sha256:");
		String all = daemon.docker("image", "prune", "-a", "-f").assertOk().out();
		assertThat(all).contains("untagged: busybox:latest").contains("Total reclaimed space");
		assertThat(daemon.docker("images", "-q").assertOk().out()).isBlank();
		assertThat(daemon.dataRoot().resolve("layers/sha256")).isEmptyDirectory();
	}

	private String inspectImage(String image, String format) {
		return daemon.docker("image", "inspect", "--format", format, image).assertOk().out().strip();
	}

	private List<String> tempEntries() throws IOException {
		try (Stream<Path> s = Files.list(daemon.dataRoot().resolve("tmp"))) {
			return s.map((p) -> p.getFileName().toString())
				.filter((n) -> n.startsWith("img-") || n.startsWith("blob-"))
				.toList();
		}
	}

	private static String sha256(byte[] data) throws Exception {
		return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
	}

	private static String sha256Unchecked(byte[] data) {
		try {
			return sha256(data);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] layerTarUnchecked(String content) {
		try {
			return layerTar("file", content);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] layerTar(String name, String content) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
			BusyboxImage.file(tar, name, content.getBytes(StandardCharsets.UTF_8));
		}
		return buf.toByteArray();
	}

	/** An OCI image layout whose config claims {@code diffId}, with the layer gzip'd as registries serve it. */
	private static byte[] ociLayout(byte[] layer, String diffId) throws Exception {
		ByteArrayOutputStream gz = new ByteArrayOutputStream();
		try (GzipCompressorOutputStream out = new GzipCompressorOutputStream(gz)) {
			out.write(layer);
		}
		byte[] blob = gz.toByteArray();
		byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},"
				+ "\"created\":\"2024-01-01T00:00:00Z\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId
				+ "\"]}}").getBytes(StandardCharsets.UTF_8);
		byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
				+ "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
				+ sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
				+ "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + sha256(blob) + "\",\"size\":"
				+ blob.length + "}]}").getBytes(StandardCharsets.UTF_8);
		byte[] index = ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
				+ "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + sha256(manifest) + "\",\"size\":"
				+ manifest.length + ",\"annotations\":{\"io.containerd.image.name\":\"docker.io/library/it-oci:1.0\","
				+ "\"org.opencontainers.image.ref.name\":\"1.0\"}}]}").getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(buf)) {
			BusyboxImage.file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
			BusyboxImage.file(tar, "index.json", index);
			BusyboxImage.file(tar, "blobs/sha256/" + sha256(manifest).substring(7), manifest);
			BusyboxImage.file(tar, "blobs/sha256/" + sha256(config).substring(7), config);
			BusyboxImage.file(tar, "blobs/sha256/" + sha256(blob).substring(7), blob);
		}
		return buf.toByteArray();
	}


	private static List<String> tarNames(byte[] tar) throws IOException {
		List<String> names = new java.util.ArrayList<>();
		try (org.apache.commons.compress.archivers.tar.TarArchiveInputStream in =
				new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
						new java.io.ByteArrayInputStream(tar))) {
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				names.add(e.getName());
			}
		}
		return names;
	}

}
