package io.berth.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker save} writes moby 25's archive, an OCI image layout that also carries manifest.json, and
 * {@code docker load} reads it back through either index.
 */
class ImageSaveLoadIT extends BusyboxDaemonSupport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path temp;

	@Test
	void saveOfSeveralImagesWritesBothLayoutsWithEachBlobOnce() throws Exception {
		String base = imageId("busybox");
		String child = childImage("save-child", "it-save-child:1");
		docker("tag", "it-save-child:1", "it-save-child:2").assertOk();
		Path archive = this.temp.resolve("both.tar");
		docker("save", "-o", archive.toString(), "busybox", "it-save-child").assertOk();
		Map<String, byte[]> files = files(Files.readAllBytes(archive));

		assertThat(JSON.readTree(files.get("oci-layout")).path("imageLayoutVersion").asString()).isEqualTo("1.0.0");
		List<String> blobs = files.keySet().stream().filter((n) -> n.startsWith("blobs/sha256/")).toList();
		for (String blob : blobs) {
			assertThat(sha256(files.get(blob))).as(blob).isEqualTo(blob.substring("blobs/sha256/".length()));
		}
		String baseLayer = inspectImage("busybox", "{{index .RootFS.Layers 0}}");
		// Two images on one base, four blobs of config and manifest, two layers each stored once.
		assertThat(blobs).hasSize(6).contains("blobs/sha256/" + baseLayer.substring(7),
				"blobs/sha256/" + base.substring(7), "blobs/sha256/" + child.substring(7));

		JsonNode index = JSON.readTree(files.get("index.json"));
		assertThat(index.path("mediaType").asString()).isEqualTo("application/vnd.oci.image.index.v1+json");
		Map<String, String> names = new LinkedHashMap<>();
		for (JsonNode d : index.path("manifests")) {
			names.put(d.path("annotations").path("io.containerd.image.name").asString(),
					d.path("annotations").path("org.opencontainers.image.ref.name").asString());
			JsonNode manifest = JSON.readTree(files.get("blobs/sha256/" + d.path("digest").asString().substring(7)));
			assertThat(manifest.path("mediaType").asString()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
			assertThat(files).containsKey("blobs/sha256/" + manifest.path("config").path("digest").asString().substring(7));
		}
		assertThat(names).containsExactly(Map.entry("docker.io/library/busybox:latest", "latest"),
				Map.entry("docker.io/library/it-save-child:1", "1"), Map.entry("docker.io/library/it-save-child:2", "2"));

		JsonNode manifest = JSON.readTree(files.get("manifest.json"));
		assertThat(manifest).hasSize(2);
		assertThat(manifest.get(1).path("Config").asString()).isEqualTo("blobs/sha256/" + child.substring(7));
		assertThat(manifest.get(1).path("RepoTags").toString()).isEqualTo("[\"it-save-child:1\",\"it-save-child:2\"]");
		List<String> layers = new ArrayList<>();
		manifest.get(1).path("Layers").forEach((l) -> layers.add(l.asString()));
		assertThat(layers).hasSize(2).first().isEqualTo("blobs/sha256/" + baseLayer.substring(7));
		assertThat(JSON.readTree(files.get("repositories")).path("it-save-child").has("2")).isTrue();
	}

	@Test
	void loadReadsTheArchiveThroughManifestJsonAndThroughIndexJsonAlone() throws Exception {
		String child = childImage("load-child", "it-load:1");
		Path archive = this.temp.resolve("load.tar");
		docker("save", "-o", archive.toString(), "it-load:1").assertOk();
		byte[] tar = Files.readAllBytes(archive);

		docker("rmi", "it-load:1").assertOk();
		assertThat(docker("load", "-i", archive.toString()).assertOk().out()).contains("Loaded image: it-load:1");
		assertThat(imageId("it-load:1")).isEqualTo(child);
		assertThat(docker("run", "--rm", "it-load:1", "cat", "/marker").assertOk().out().strip())
			.isEqualTo("load-child");

		docker("rmi", "it-load:1").assertOk();
		byte[] ociOnly = without(tar, "manifest.json", "repositories");
		assertThat(files(ociOnly)).doesNotContainKey("manifest.json").containsKey("index.json");
		assertThat(docker("image", "inspect", "it-load:1").exitCode()).isNotZero();
		assertThat(this.daemon.dockerWithInput(ociOnly, "load").assertOk().out()).contains("Loaded image: it-load:1");
		assertThat(imageId("it-load:1")).isEqualTo(child);
		assertThat(docker("run", "--rm", "it-load:1", "cat", "/marker").assertOk().out().strip())
			.isEqualTo("load-child");
	}

	/** An image one layer above busybox, committed from a container that wrote {@code /marker}. */
	private String childImage(String container, String tag) {
		docker("run", "--name", container, "busybox", "sh", "-c", "echo " + container + " > /marker").assertOk();
		String id = docker("commit", container, tag).assertOk().out().strip();
		docker("rm", container).assertOk();
		return id;
	}

	private String imageId(String image) {
		return inspectImage(image, "{{.Id}}");
	}

	private String inspectImage(String image, String format) {
		return docker("image", "inspect", "--format", format, image).assertOk().out().strip();
	}

	/** Every regular file of a tar by name, failing on a name written twice. */
	private static Map<String, byte[]> files(byte[] tar) throws IOException {
		Map<String, byte[]> out = new LinkedHashMap<>();
		try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				if (e.isFile()) {
					assertThat(out.put(e.getName(), in.readAllBytes())).as("second copy of " + e.getName()).isNull();
				}
			}
		}
		return out;
	}

	/** The same tar without some top-level files. */
	private static byte[] without(byte[] tar, String... names) throws IOException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar));
				TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
			out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				if (List.of(names).contains(e.getName())) {
					continue;
				}
				out.putArchiveEntry(e);
				in.transferTo(out);
				out.closeArchiveEntry();
			}
		}
		return buf.toByteArray();
	}

	private static String sha256(byte[] data) throws NoSuchAlgorithmException {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
	}

}
