package io.berth.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.berth.it.registry.Digests;
import io.berth.it.registry.ImageSpec;
import io.berth.it.registry.LayeredImage;
import io.berth.it.registry.OciLayout;
import io.berth.it.registry.RegistryServer;
import io.berth.it.registry.Skopeo;
import io.berth.it.registry.TarLayer;
import io.berth.it.registry.ThrottledLink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker pull} from a real registry on 127.0.0.1 that skopeo filled: OCI and Docker manifests, indexes,
 * shared layers, and pulls that fail (corrupt blob, unknown name, registry or daemon killed midway).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryPullIT extends DaemonSupport {

	/** Big enough, and slowed enough through the link, that a kill lands while it is on its way. */
	private static final int BIG_LAYER_BYTES = 64 << 20;

	private static final long LINK_BYTES_PER_SECOND = 16L << 20;

	@TempDir
	static Path temp;

	private RegistryServer registry;

	private ThrottledLink link;

	private OciLayout layout;

	private TarLayer busybox;

	private String bigImage;

	@Override
	protected void prepare() throws Exception {
		this.registry = RegistryServer.start();
		this.link = ThrottledLink.to(this.registry, LINK_BYTES_PER_SECOND);
		this.layout = OciLayout.create(temp.resolve("layout"));
		this.busybox = TarLayer.of(BusyboxImage.rootfsTar());
	}

	@AfterAll
	void stopRegistry() throws Exception {
		if (this.link != null) {
			this.link.close();
		}
		if (this.registry != null) {
			this.registry.close();
		}
	}

	@ParameterizedTest
	@EnumSource(Skopeo.Format.class)
	@Order(1)
	void pullByTagThenByDigestGivesTheImageItsLayersMake(Skopeo.Format format) throws Exception {
		String repo = this.registry.host() + "/layers-" + format.name().toLowerCase();
		String digest = push(LayeredImage.spec(this.busybox, format.name()), repo + ":1", format);

		String byTag = docker("pull", repo + ":1").assertOk().out();
		assertThat(byTag).contains("1: Pulling from layers-" + format.name().toLowerCase())
			.contains("Digest: " + digest)
			.contains("Status: Downloaded newer image for " + repo + ":1");
		assertLayeredImage(repo + ":1", repo + "@" + digest, format.name());
		docker("rmi", repo + ":1").assertOk();
		assertThat(repositories()).doesNotContain(repo);

		String byDigest = docker("pull", repo + "@" + digest).assertOk().out();
		assertThat(byDigest).contains("Status: Downloaded newer image for " + repo + "@" + digest);
		assertLayeredImage(repo + "@" + digest, repo + "@" + digest, format.name());
		assertThat(inspect(repo + "@" + digest, "{{json .RepoTags}}")).isEqualTo("[]");
		docker("rmi", repo + "@" + digest).assertOk();
		assertThat(repositories()).doesNotContain(repo);
	}

	@Test
	@Order(2)
	void theApiStreamsDockersProgressObjectsWithByteCountsPerLayer() throws Exception {
		String repo = this.registry.host() + "/progress";
		push(LayeredImage.spec(this.busybox, "progress"), repo + ":1", Skopeo.Format.OCI);
		List<String> blobs = Skopeo.layerDigests(repo + ":1");

		RawHttp.Response r = RawHttp.send(this.daemon.socket(), "POST",
				"/v1.41/images/create?fromImage=" + repo + "&tag=1", "X-Registry-Auth: e30=\r\n", "");
		assertThat(r.status()).isEqualTo(200);
		assertThat(r.body()).contains("{\"status\":\"Pulling from progress\",\"progressDetail\":{},\"id\":\"1\"}");
		int downloaded = 0;
		for (String blob : blobs) {
			String id = Digests.shortId(blob);
			if (r.body().contains("{\"status\":\"Already exists\",\"progressDetail\":{},\"id\":\"" + id + "\"}")) {
				continue;
			}
			downloaded++;
			assertThat(r.body()).contains("{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"" + id + "\"}")
				.contains("{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"" + id + "\"}");
			// The last Downloading object of each layer counts every byte of the blob.
			Matcher m = Pattern.compile("\\{\"status\":\"Downloading\",\"progressDetail\":\\{\"current\":(\\d+),"
					+ "\"total\":(\\d+)\\},\"progress\":\"[^\"]*\",\"id\":\"" + id + "\"\\}").matcher(r.body());
			String last = null;
			while (m.find()) {
				assertThat(Long.parseLong(m.group(1))).isLessThanOrEqualTo(Long.parseLong(m.group(2)));
				last = m.group(1) + "/" + m.group(2);
			}
			assertThat(last).as("Downloading progress of %s", id).isNotNull();
			assertThat(last.split("/")[0]).isEqualTo(last.split("/")[1]);
		}
		assertThat(downloaded).as("layers downloaded").isPositive();
		assertThat(r.body()).contains("{\"status\":\"Status: Downloaded newer image for " + repo + ":1\"}");
		docker("rmi", repo + ":1").assertOk();
	}

	@Test
	@Order(2)
	void runOfAnImageNotYetPulledPullsItFirst() throws Exception {
		String ref = this.registry.host() + "/run-pulls:1";
		push(LayeredImage.spec(this.busybox, "run-pulls"), ref, Skopeo.Format.DOCKER);

		DockerCli.Result run = docker("run", "--rm", ref).assertOk();
		assertThat(run.err()).contains("Unable to find image '" + ref + "' locally");
		assertThat(run.out()).isEqualTo(LayeredImage.DEFAULT_OUTPUT);
		assertThat(inspect(ref, "{{.Id}}")).startsWith("sha256:");
		docker("rmi", ref).assertOk();
	}

	@Test
	@Order(2)
	void pullOfAnIndexPicksThisPlatformUnlessAskedForAnother() throws Exception {
		ImageSpec amd64 = ImageSpec.create()
			.layer(this.busybox)
			.layer(TarLayer.create().file("platform", "amd64\n"))
			.cmd("cat", "/platform")
			.label("it.platform", "amd64");
		ImageSpec arm64 = ImageSpec.create()
			.layer(TarLayer.create().file("platform", "arm64\n"))
			.cmd("cat", "/platform")
			.label("it.platform", "arm64")
			.platform("linux", "arm64", "v8");
		this.layout.addIndex("multi", amd64, arm64);
		String index = Skopeo.pushAll(this.layout.reference("multi"), this.registry.host() + "/multi:1",
				Skopeo.Format.OCI);
		String ref = this.registry.host() + "/multi:1";

		docker("pull", ref).assertOk();
		assertThat(inspect(ref, "{{.Os}}/{{.Architecture}} {{index .Config.Labels \"it.platform\"}}"))
			.isEqualTo("linux/amd64 amd64");
		assertThat(inspect(ref, "{{json .RepoDigests}}")).contains(this.registry.host() + "/multi@" + index);
		assertThat(docker("run", "--rm", ref).assertOk().out()).isEqualTo("amd64\n");

		docker("pull", "--platform", "linux/arm64", ref).assertOk();
		assertThat(inspect(ref, "{{.Os}}/{{.Architecture}} {{index .Config.Labels \"it.platform\"}}"))
			.isEqualTo("linux/arm64 arm64");
	}

	@Test
	@Order(3)
	void layersAnImageSharesWithOneAlreadyPulledAreNotDownloadedAgain() throws Exception {
		String first = this.registry.host() + "/share-first:1";
		String second = this.registry.host() + "/share-second:1";
		for (String which : List.of("first", "second")) {
			push(ImageSpec.create().layer(this.busybox).layer(TarLayer.create().file("which", which)).cmd("cat",
					"/which"), this.registry.host() + "/share-" + which + ":1", Skopeo.Format.OCI);
		}
		List<String> layers = Skopeo.layerDigests(second);

		docker("pull", first).assertOk();
		String out = docker("pull", second).assertOk().out();
		assertThat(out).contains(Digests.shortId(layers.get(0)) + ": Already exists")
			.contains(Digests.shortId(layers.get(1)) + ": Pull complete");
		assertThat(docker("run", "--rm", second).assertOk().out()).isEqualTo("second");
	}

	@Test
	@Order(4)
	void blobWhoseBytesDoNotMatchItsDigestFailsThePullAndLeavesNoImage() throws Exception {
		String ref = this.registry.host() + "/corrupt:1";
		push(ImageSpec.create().layer(this.busybox).layer(TarLayer.create().file("payload", randomBytes(256 << 10, 4))),
				ref, Skopeo.Format.OCI);
		String layer = Skopeo.layerDigests(ref).get(1);
		Path data = this.registry.blobData(layer);
		byte[] bytes = Files.readAllBytes(data);
		bytes[bytes.length / 2] ^= 0x55;
		Files.write(data, bytes);

		DockerCli.Result r = docker("pull", ref);
		assertThat(r.exitCode()).isNotZero();
		assertThat(r.err()).contains(layer);
		assertThat(repositories()).doesNotContain(this.registry.host() + "/corrupt");
		assertThat(docker("image", "inspect", ref).exitCode()).isNotZero();
		assertThat(tempEntries()).isEmpty();
	}

	@Test
	@Order(5)
	void unknownRepositoryOrTagIsNotFoundAndLeavesNothing() throws Exception {
		push(ImageSpec.create().layer(this.busybox), this.registry.host() + "/known:1", Skopeo.Format.OCI);
		List<String> before = imageIds();
		for (String ref : List.of("/nosuch:1", "/known:nosuch")) {
			DockerCli.Result r = docker("pull", this.registry.host() + ref);
			assertThat(r.exitCode()).as(ref).isNotZero();
			assertThat(r.err()).as(ref)
				.contains("manifest for " + this.registry.host() + ref + " not found")
				.contains("manifest unknown");
		}
		assertThat(imageIds()).isEqualTo(before);
		assertThat(tempEntries()).isEmpty();
	}

	@Test
	@Order(6)
	void registryKilledMidPullFailsThePullAndAPullAfterItsRestartSucceeds() throws Exception {
		String ref = bigImage();
		CompletableFuture<DockerCli.Result> pull = pullWhileTheBigLayerFlows(ref);
		this.registry.kill();
		DockerCli.Result failed = pull.get(150, TimeUnit.SECONDS);
		assertThat(failed.exitCode()).isNotZero();
		assertThat(failed.err()).isNotBlank();
		assertThat(repositories()).doesNotContain(this.link.host() + "/big");

		this.registry.launch();
		docker("pull", ref).assertOk();
		assertThat(docker("run", "--rm", ref, "wc", "-c", "/big.bin").assertOk().out().strip())
			.isEqualTo(BIG_LAYER_BYTES + " /big.bin");
		docker("rmi", ref).assertOk();
	}

	@Test
	@Order(7)
	void daemonKilledMidPullLeavesNoBrokenImageAndPullsAgainAfterRestart() throws Exception {
		String ref = bigImage();
		CompletableFuture<DockerCli.Result> pull = pullWhileTheBigLayerFlows(ref);
		this.daemon.kill9();
		assertThat(pull.get(150, TimeUnit.SECONDS).exitCode()).isNotZero();

		this.daemon.launch();
		assertThat(repositories()).doesNotContain(this.link.host() + "/big");
		assertThat(docker("image", "inspect", ref).exitCode()).isNotZero();
		assertThat(tempEntries()).isEmpty();
		docker("pull", ref).assertOk();
		assertThat(docker("run", "--rm", ref, "wc", "-c", "/big.bin").assertOk().out().strip())
			.isEqualTo(BIG_LAYER_BYTES + " /big.bin");
	}

	/** Pushes {@code image} with skopeo and returns the manifest digest the registry has for it. */
	private String push(ImageSpec image, String ref, Skopeo.Format format) throws IOException {
		String tag = ref.substring(ref.lastIndexOf('/') + 1).replace(':', '-');
		this.layout.add(tag, image);
		return Skopeo.push(this.layout.reference(tag), ref, format);
	}

	/** The name, through the slow link, of busybox plus one layer of incompressible bytes, pushed on first use. */
	private String bigImage() throws IOException {
		if (this.bigImage == null) {
			push(ImageSpec.create().layer(this.busybox).layer(TarLayer.create().file("big.bin",
					randomBytes(BIG_LAYER_BYTES, 42))), this.registry.host() + "/big:1", Skopeo.Format.OCI);
			this.bigImage = this.link.host() + "/big:1";
		}
		return this.bigImage;
	}

	/** Starts pulling {@code ref} and returns once a few MiB of its big layer have come through the link. */
	private CompletableFuture<DockerCli.Result> pullWhileTheBigLayerFlows(String ref) {
		long before = this.link.relayed();
		CompletableFuture<DockerCli.Result> pull = CompletableFuture.supplyAsync(() -> docker("pull", ref));
		this.link.awaitRelayed(before, 8 << 20, Duration.ofSeconds(60));
		assertThat(pull).isNotDone();
		return pull;
	}

	private void assertLayeredImage(String ref, String repoDigest, String label) {
		assertThat(docker("run", "--rm", ref).assertOk().out()).isEqualTo(LayeredImage.DEFAULT_OUTPUT);
		assertThat(docker(LayeredImage.runListing(ref)).assertOk().out()).isEqualTo(LayeredImage.LISTING);
		assertThat(inspect(ref, "{{json .Config.Env}}")).contains("\"GREETING=hello\"");
		assertThat(inspect(ref, "{{.Config.WorkingDir}}")).isEqualTo("/data");
		assertThat(inspect(ref, "{{json .Config.Cmd}}")).isEqualTo(LayeredImage.CMD_JSON);
		assertThat(inspect(ref, "{{json .Config.Labels}}")).isEqualTo("{\"it.image\":\"" + label + "\"}");
		assertThat(inspect(ref, "{{json .RootFS.Layers}}"))
			.isEqualTo("[\"" + String.join("\",\"", Skopeo.diffIds(repoDigest)) + "\"]");
		assertThat(inspect(ref, "{{json .RepoDigests}}")).contains("\"" + repoDigest + "\"");
	}


	/** The IDs {@code docker images -a} lists, sorted: images created in the same second list in no fixed order. */
	private List<String> imageIds() {
		return docker("images", "-a", "-q", "--no-trunc").assertOk().out().lines().sorted().toList();
	}

	/** Every repository {@code docker images} lists. */
	private List<String> repositories() {
		return docker("images", "--format", "{{.Repository}}").assertOk().out().lines().toList();
	}

	/** What the daemon left in its temp dir, which a finished or failed pull must not leave anything in. */
	private List<String> tempEntries() throws IOException {
		try (Stream<Path> s = Files.list(this.daemon.dataRoot().resolve("tmp"))) {
			return s.map((p) -> p.getFileName().toString()).toList();
		}
	}


	private static byte[] randomBytes(int size, long seed) {
		byte[] bytes = new byte[size];
		new Random(seed).nextBytes(bytes);
		return bytes;
	}

}
