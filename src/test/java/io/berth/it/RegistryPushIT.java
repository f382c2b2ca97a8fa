package io.berth.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.berth.it.registry.Digests;
import io.berth.it.registry.LayeredImage;
import io.berth.it.registry.OciLayout;
import io.berth.it.registry.RegistryServer;
import io.berth.it.registry.Skopeo;
import io.berth.it.registry.TarLayer;
import io.berth.it.registry.TokenServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker push} and {@code docker login} against a real registry on 127.0.0.1, read back with skopeo, and the
 * archive round trips of images that came from a registry: {@code docker save}/{@code load} and skopeo's OCI archives.
 */
class RegistryPushIT extends BusyboxDaemonSupport {

	private static final Pattern PUSHED_DIGEST = Pattern
		.compile("(?m)^\\S+: digest: (sha256:[0-9a-f]{64}) size: \\d+$");

	@TempDir
	static Path temp;

	private RegistryServer registry;

	private RegistryServer authRegistry;

	private TokenServer tokens;

	private RegistryServer tokenRegistry;

	private OciLayout layout;

	private TarLayer busybox;

	@Override
	protected String[] daemonArgs() {
		// Small chunks, so a layer of a few megabytes goes up in several PATCH requests.
		return new String[] { "--berth.registry.upload-chunk-size=1MB" };
	}

	@Override
	protected void prepare() throws Exception {
		super.prepare();
		this.registry = RegistryServer.start();
		this.authRegistry = RegistryServer.startWithAuth();
		this.tokens = TokenServer.start(Files.createDirectories(temp.resolve("tokens")), RegistryServer.USER,
				RegistryServer.PASSWORD);
		this.tokenRegistry = RegistryServer.startWithTokenAuth(this.tokens);
		this.layout = OciLayout.create(temp.resolve("layout"));
		this.busybox = TarLayer.of(BusyboxImage.rootfsTar());
	}

	@AfterAll
	void stopRegistries() throws Exception {
		if (this.registry != null) {
			this.registry.close();
		}
		if (this.authRegistry != null) {
			this.authRegistry.close();
		}
		if (this.tokenRegistry != null) {
			this.tokenRegistry.close();
		}
		if (this.tokens != null) {
			this.tokens.close();
		}
	}

	@Test
	void pushOfAnImportedImageIsWhatTheRegistryServesAndPullsBackAsTheSameImage() throws Exception {
		this.daemon.dockerWithInput(BusyboxImage.rootfsTar(), "import", "-c", "CMD [\"echo\", \"pushed\"]", "-",
				"it-local:1").assertOk();
		String ref = this.registry.host() + "/pushed:1";
		docker("tag", "it-local:1", ref).assertOk();
		String id = inspect(ref, "{{.Id}}");
		List<String> diffIds = List.of(inspect(ref, "{{join .RootFS.Layers \" \"}}").split(" "));

		String out = docker("push", ref).assertOk().out();
		assertThat(out).contains("The push refers to repository [" + this.registry.host() + "/pushed]")
			.contains(Digests.shortId(diffIds.get(0)) + ": Pushed");
		String digest = pushedDigest(out);
		byte[] manifest = Skopeo.rawManifest(ref);
		assertThat(Digests.sha256(manifest)).isEqualTo(digest);
		assertThat(Skopeo.diffIds(ref)).isEqualTo(diffIds);
		assertThat(Skopeo.config(ref).path("config").path("Cmd").toString()).isEqualTo("[\"echo\",\"pushed\"]");
		assertThat(inspect(ref, "{{json .RepoDigests}}")).contains("\"" + this.registry.host() + "/pushed@"
				+ digest + "\"");

		docker("rmi", ref, "it-local:1").assertOk();
		assertThat(docker("image", "inspect", id).exitCode()).isNotZero();
		docker("pull", ref).assertOk();
		assertThat(inspect(ref, "{{.Id}}")).isEqualTo(id);
		assertThat(inspect(ref, "{{json .RepoDigests}}")).isEqualTo("[\"" + this.registry.host() + "/pushed@"
				+ digest + "\"]");
		assertThat(docker("run", "--rm", ref).assertOk().out()).isEqualTo("pushed\n");
	}

	@Test
	void pushOfAPulledImageToAnotherRepositoryReusesItsBlobsAndTheSecondPushFindsThemAll() throws Exception {
		String source = pushWithSkopeo("copy-source");
		docker("pull", source).assertOk();
		String copy = this.registry.host() + "/copy-target:1";
		docker("tag", source, copy).assertOk();
		List<String> sourceBlobs = Skopeo.layerDigests(source);
		List<String> diffIds = Skopeo.diffIds(source);

		// Push progress names layers by diff ID, pull progress by blob digest.
		String first = docker("push", copy).assertOk().out();
		for (String diffId : diffIds) {
			assertThat(first)
				.containsPattern(Digests.shortId(diffId) + ": (Mounted from [a-z-]+|Layer already exists)");
		}
		assertThat(Skopeo.layerDigests(copy)).isEqualTo(sourceBlobs);
		assertThat(Skopeo.diffIds(copy)).isEqualTo(diffIds);

		String second = docker("push", copy).assertOk().out();
		for (String diffId : diffIds) {
			assertThat(second).contains(Digests.shortId(diffId) + ": Layer already exists");
		}
		assertThat(pushedDigest(second)).isEqualTo(pushedDigest(first));
	}

	@Test
	void pushToARegistryWithAuthNeedsALoginWithTheRightPassword() throws Exception {
		Map<String, String> config = Map.of("DOCKER_CONFIG", Files.createDirectories(temp.resolve("login-config"))
			.toString());
		String host = this.authRegistry.host();
		String ref = host + "/private:1";
		docker("tag", "busybox:latest", ref).assertOk();

		DockerCli.Result anonymous = DockerCli.run(this.daemon.socket(), null, config, "push", ref);
		assertThat(anonymous.exitCode()).isNotZero();
		assertThat(anonymous.err()).contains("no basic auth credentials");

		DockerCli.Result wrong = login(config, host, "not-the-password");
		assertThat(wrong.exitCode()).isNotZero();
		assertThat(wrong.err()).contains("401 Unauthorized");
		assertThat(temp.resolve("login-config/config.json")).satisfiesAnyOf(
				(p) -> assertThat(p).doesNotExist(), (p) -> assertThat(p).content().doesNotContain(host));

		assertThat(login(config, host, RegistryServer.PASSWORD).assertOk().out()).contains("Login Succeeded");
		String digest = pushedDigest(DockerCli.run(this.daemon.socket(), null, config, "push", ref).assertOk().out());
		byte[] manifest = Skopeo.run("inspect", "--tls-verify=false", "--raw", "--creds",
				RegistryServer.USER + ":" + RegistryServer.PASSWORD, "docker://" + ref);
		assertThat(Digests.sha256(manifest)).isEqualTo(digest);
	}

	@Test
	void bearerTokenRegistryGetsATokenForTheRepositoryFromTheLoginsCredentials() throws Exception {
		Map<String, String> config = Map.of("DOCKER_CONFIG", Files.createDirectories(temp.resolve("token-config"))
			.toString());
		String host = this.tokenRegistry.host();
		String ref = host + "/tokened:1";
		docker("tag", "busybox:latest", ref).assertOk();

		DockerCli.Result anonymous = DockerCli.run(this.daemon.socket(), null, config, "push", ref);
		assertThat(anonymous.exitCode()).isNotZero();
		assertThat(anonymous.err()).contains("unauthorized");
		assertThat(login(config, host, "not-the-password").exitCode()).isNotZero();

		assertThat(login(config, host, RegistryServer.PASSWORD).assertOk().out()).contains("Login Succeeded");
		String digest = pushedDigest(DockerCli.run(this.daemon.socket(), null, config, "push", ref).assertOk().out());
		assertThat(this.tokens.scopesAsked()).contains("repository:tokened:pull,push");
		byte[] manifest = Skopeo.run("inspect", "--tls-verify=false", "--raw", "--creds",
				RegistryServer.USER + ":" + RegistryServer.PASSWORD, "docker://" + ref);
		assertThat(Digests.sha256(manifest)).isEqualTo(digest);

		String id = inspect(ref, "{{.Id}}");
		docker("rmi", ref).assertOk();
		DockerCli.run(this.daemon.socket(), null, config, "pull", ref).assertOk();
		assertThat(this.tokens.scopesAsked()).contains("repository:tokened:pull");
		assertThat(inspect(ref, "{{.Id}}")).isEqualTo(id);
		assertThat(inspect(ref, "{{json .RepoDigests}}")).contains("\"" + host + "/tokened@" + digest + "\"");
	}

	@Test
	void aLayerLargerThanAChunkGoesUpInSeveralPatchRequestsAndComesBackWhole() throws Exception {
		docker("run", "--name", "chunky", "busybox:latest", "sh", "-c",
				"head -c 3000000 /dev/urandom > /blob && md5sum /blob > /blob.md5").assertOk();
		String ref = this.registry.host() + "/chunky:1";
		docker("commit", "chunky", ref).assertOk();
		docker("rm", "chunky").assertOk();

		String out = docker("push", ref).assertOk().out();
		assertThat(out).contains(": Pushed");
		long patches = this.registry.log().lines().filter((l) -> l.contains("\"PATCH /v2/chunky/blobs/uploads/")).count();
		assertThat(patches).as("PATCH requests for a 3 MB layer in 1 MB chunks").isGreaterThanOrEqualTo(3);

		String id = inspect(ref, "{{.Id}}");
		docker("rmi", ref).assertOk();
		docker("pull", ref).assertOk();
		assertThat(inspect(ref, "{{.Id}}")).isEqualTo(id);
		assertThat(docker("run", "--rm", ref, "md5sum", "-c", "/blob.md5").assertOk().out()).contains("/blob: OK");
		docker("rmi", ref).assertOk();
	}

	@Test
	void saveRmiLoadOfAPulledImageRunsAgain() throws Exception {
		String ref = pushWithSkopeo("saved");
		docker("pull", ref).assertOk();
		String id = inspect(ref, "{{.Id}}");
		Path archive = temp.resolve("saved.tar");
		docker("save", "-o", archive.toString(), ref).assertOk();
		docker("rmi", ref).assertOk();
		assertThat(docker("image", "inspect", id).exitCode()).isNotZero();

		assertThat(docker("load", "-i", archive.toString()).assertOk().out()).contains("Loaded image: " + ref);
		assertThat(inspect(ref, "{{.Id}}")).isEqualTo(id);
		assertThat(inspect(ref, "{{json .RootFS.Layers}}"))
			.isEqualTo("[\"" + String.join("\",\"", Skopeo.diffIds(ref)) + "\"]");
		assertThat(docker("run", "--rm", ref).assertOk().out()).isEqualTo(LayeredImage.DEFAULT_OUTPUT);
		assertThat(docker(LayeredImage.runListing(ref)).assertOk().out()).isEqualTo(LayeredImage.LISTING);
	}

	@Test
	void loadOfAnOciArchiveSkopeoMadeFromTheRegistryRuns() throws Exception {
		String ref = pushWithSkopeo("archived");
		Path archive = temp.resolve("skopeo-oci.tar");
		Skopeo.toOciArchive(ref, archive, ref);

		assertThat(docker("load", "-i", archive.toString()).assertOk().out()).contains("Loaded image: " + ref);
		JsonNode config = Skopeo.config(ref);
		assertThat(inspect(ref, "{{.Id}}")).isEqualTo(Digests.sha256(Skopeo.run("inspect", "--tls-verify=false",
				"--config", "--raw", "docker://" + ref)));
		assertThat(inspect(ref, "{{json .Config.Labels}}")).isEqualTo(config.path("config").path("Labels")
			.toString());
		assertThat(docker("run", "--rm", ref).assertOk().out()).isEqualTo(LayeredImage.DEFAULT_OUTPUT);
		assertThat(docker(LayeredImage.runListing(ref)).assertOk().out()).isEqualTo(LayeredImage.LISTING);
	}

	/** Pushes the layered image, labelled {@code repo}, with skopeo as OCI to {@code HOST/REPO:1}; returns it. */
	private String pushWithSkopeo(String repo) throws IOException {
		this.layout.add(repo, LayeredImage.spec(this.busybox, repo));
		String ref = this.registry.host() + "/" + repo + ":1";
		Skopeo.push(this.layout.reference(repo), ref, Skopeo.Format.OCI);
		return ref;
	}

	private DockerCli.Result login(Map<String, String> config, String host, String password) {
		return DockerCli.run(this.daemon.socket(), password.getBytes(StandardCharsets.UTF_8), config, "login", "-u",
				RegistryServer.USER, "--password-stdin", host);
	}



	/** The manifest digest from the CLI's last push line, {@code TAG: digest: sha256:… size: N}. */
	private static String pushedDigest(String pushOutput) {
		Matcher m = PUSHED_DIGEST.matcher(pushOutput);
		assertThat(m.find()).as("a digest line in:\n" + pushOutput).isTrue();
		return m.group(1);
	}


}
