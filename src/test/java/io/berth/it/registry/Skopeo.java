package io.berth.it.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Debian's skopeo, the independent client the tests push fixtures with and read registries back with, so that what
 * the daemon pulls or pushes is checked against another implementation. Registries here speak plain HTTP.
 */
public final class Skopeo {

	private static final Path SKOPEO = Path.of("/usr/bin/skopeo");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The manifest type skopeo writes to a registry. */
	public enum Format {

		/** OCI image manifests and indexes. */
		OCI("oci"),

		/** Docker image manifest v2, schema 2. */
		DOCKER("v2s2");

		private final String flag;

		Format(String flag) {
			this.flag = flag;
		}

	}

	private Skopeo() {
	}

	/** Pushes {@code source} ({@code oci:DIR:TAG}) to {@code dest} ({@code HOST/REPO:TAG}); returns its digest. */
	public static String push(String source, String dest, Format format) {
		return copy(source, dest, format, false);
	}

	/** Pushes an index or manifest list with every image it names; returns the digest of the index. */
	public static String pushAll(String source, String dest, Format format) {
		return copy(source, dest, format, true);
	}

	private static String copy(String source, String dest, Format format, boolean all) {
		try {
			Path digestFile = Files.createTempFile("berth-it-digest-", "");
			try {
				List<String> args = new ArrayList<>(List.of("copy", "--quiet", "--dest-tls-verify=false", "--format",
						format.flag, "--digestfile", digestFile.toString()));
				if (all) {
					args.add("--all");
				}
				args.add(source);
				args.add("docker://" + dest);
				run(args.toArray(String[]::new));
				return Files.readString(digestFile).strip();
			}
			finally {
				Files.deleteIfExists(digestFile);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The manifest (or index) of {@code ref} ({@code HOST/REPO:TAG} or {@code HOST/REPO@DIGEST}) byte for byte. */
	public static byte[] rawManifest(String ref) {
		return run("inspect", "--tls-verify=false", "--raw", "docker://" + ref);
	}

	/** The image config of {@code ref} as the registry holds it; for an index, the one of this host's platform. */
	public static JsonNode config(String ref) {
		return JSON.readTree(run("inspect", "--tls-verify=false", "--config", "--raw", "docker://" + ref));
	}

	/** {@code rootfs.diff_ids} of the config of {@code ref}. */
	public static List<String> diffIds(String ref) {
		List<String> ids = new ArrayList<>();
		config(ref).path("rootfs").path("diff_ids").forEach((id) -> ids.add(id.asString()));
		return ids;
	}

	/** The digests of the layer blobs that the manifest of {@code ref} lists, bottom first. */
	public static List<String> layerDigests(String ref) {
		List<String> digests = new ArrayList<>();
		JSON.readTree(rawManifest(ref)).path("layers").forEach((l) -> digests.add(l.path("digest").asString()));
		return digests;
	}

	/** Copies {@code ref} from its registry into an OCI archive at {@code archive}, naming it {@code name} there. */
	public static void toOciArchive(String ref, Path archive, String name) {
		run("copy", "--quiet", "--src-tls-verify=false", "docker://" + ref, "oci-archive:" + archive + ":" + name);
	}

	/** Runs skopeo with {@code args}, failing with what it said unless it succeeds; returns its standard output. */
	public static byte[] run(String... args) {
		List<String> cmd = new ArrayList<>(List.of(SKOPEO.toString()));
		cmd.addAll(List.of(args));
		try {
			Path err = Files.createTempFile("berth-it-skopeo-", ".err");
			try {
				Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
				p.getOutputStream().close();
				byte[] out = p.getInputStream().readAllBytes();
				if (!p.waitFor(120, TimeUnit.SECONDS)) {
					p.destroyForcibly();
					throw new AssertionError(String.join(" ", cmd) + " did not finish within 120 s");
				}
				if (p.exitValue() != 0) {
					throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n"
							+ Files.readString(err) + new String(out, StandardCharsets.UTF_8));
				}
				return out;
			}
			finally {
				Files.deleteIfExists(err);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
