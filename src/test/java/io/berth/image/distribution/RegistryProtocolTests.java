package io.berth.image.distribution;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import io.berth.error.InvalidParameterException;
import io.berth.error.NotFoundException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The pure parts of the registry client: challenges, credentials, manifests and platforms. */
class RegistryProtocolTests {

	@Test
	void bearerChallengeWithQuotedParametersAndEscapes() {
		AuthChallenge c = AuthChallenge.parse(
				"Bearer realm=\"https://auth.example/token\",service=\"reg \\\"one\\\"\",scope=\"repository:a/b:pull,push\"");
		assertThat(c.isBearer()).isTrue();
		assertThat(c.parameter("realm")).isEqualTo("https://auth.example/token");
		assertThat(c.parameter("service")).isEqualTo("reg \"one\"");
		assertThat(c.parameter("scope")).isEqualTo("repository:a/b:pull,push");
	}

	@Test
	void bearerIsPreferredOverBasicAndGarbageIsIgnored() {
		AuthChallenge c = AuthChallenge.choose(List.of("Basic realm=\"x\"", "", "Bearer realm=\"http://t/\""));
		assertThat(c.isBearer()).isTrue();
		assertThat(AuthChallenge.choose(List.of("basic realm=x")).isBasic()).isTrue();
		assertThat(AuthChallenge.choose(List.of())).isNull();
	}

	@Test
	void credentialsFromTheCliHeaderAndFromAuthField() {
		String json = "{\"username\":\"alice\",\"password\":\"pw:with:colons\",\"serveraddress\":\"127.0.0.1:5000\"}";
		String header = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
		RegistryCredentials c = RegistryCredentials.fromHeader(header);
		assertThat(c.username()).isEqualTo("alice");
		assertThat(c.password()).isEqualTo("pw:with:colons");
		assertThat(c.serverAddress()).isEqualTo("127.0.0.1:5000");
		assertThat(c.toString()).doesNotContain("pw");
		String auth = Base64.getEncoder().encodeToString("bob:secret".getBytes(StandardCharsets.UTF_8));
		RegistryCredentials fromAuth = RegistryCredentials.fromJson(("{\"auth\":\"" + auth + "\"}").getBytes());
		assertThat(fromAuth.username()).isEqualTo("bob");
		assertThat(fromAuth.password()).isEqualTo("secret");
		assertThat(RegistryCredentials.fromHeader("e30=").hasLogin()).isFalse();
		assertThat(RegistryCredentials.fromHeader(null)).isEqualTo(RegistryCredentials.ANONYMOUS);
	}

	@Test
	void malformedCredentialsAreRefused() {
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> RegistryCredentials.fromHeader("!!!not base64"));
		String notJson = Base64.getEncoder().encodeToString("{nope".getBytes(StandardCharsets.UTF_8));
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> RegistryCredentials.fromHeader(notJson));
	}

	@Test
	void loginServerAddressesNameTheirRegistry() {
		assertThat(RegistryLogin.domain("https://index.docker.io/v1/")).isEqualTo("docker.io");
		assertThat(RegistryLogin.domain("")).isEqualTo("docker.io");
		assertThat(RegistryLogin.domain("127.0.0.1:5000")).isEqualTo("127.0.0.1:5000");
		assertThat(RegistryLogin.domain("http://127.0.0.1:5000/v2/")).isEqualTo("127.0.0.1:5000");
	}

	@Test
	void indexEntryIsChosenByPlatformSkippingAttestations() {
		String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
				+ entry("a", "unknown", "unknown", "\"annotations\":{\"vnd.docker.reference.type\":\"attestation-manifest\"},")
				+ "," + entry("b", "linux", "arm64", "") + "," + entry("c", "linux", "amd64", "")
				+ "]}";
		Manifest m = Manifest.parse(index.getBytes(StandardCharsets.UTF_8), "");
		assertThat(m.isIndex()).isTrue();
		assertThat(m.select(new Platform("linux", "x86_64", "")).digest().hex()).startsWith("c");
		assertThat(m.select(Platform.parse("linux/arm64")).digest().hex()).startsWith("b");
		assertThat(m.select(Platform.parse("linux/aarch64/v8")).digest().hex()).startsWith("b");
		assertThatExceptionOfType(NotFoundException.class).isThrownBy(() -> m.select(Platform.parse("linux/s390x")))
			.withMessage("no matching manifest for linux/s390x in the manifest list entries");
	}

	@Test
	void manifestTypeComesFromTheContentTypeWhenTheDocumentHasNone() {
		String body = "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" + "1".repeat(64) + "\"},\"layers\":[{"
				+ "\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" + "2".repeat(64)
				+ "\",\"size\":10}]}";
		Manifest m = Manifest.parse(body.getBytes(StandardCharsets.UTF_8), Manifest.OCI_MANIFEST);
		assertThat(m.mediaType()).isEqualTo(Manifest.OCI_MANIFEST);
		assertThat(m.config().size()).isEqualTo(-1);
		assertThat(m.layers()).hasSize(1);
	}

	@Test
	void schema1ZstdAndForeignConfigsAreRefusedWithReasons() {
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> Manifest.parse("{\"schemaVersion\":1,\"fsLayers\":[]}".getBytes(), ""))
			.withMessageContaining("schema 1");
		String zstd = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{"
				+ "\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:" + "1".repeat(64)
				+ "\"},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+zstd\",\"digest\":\"sha256:"
				+ "2".repeat(64) + "\"}]}";
		assertThatExceptionOfType(InvalidParameterException.class).isThrownBy(() -> Manifest.parse(zstd.getBytes(), ""))
			.withMessageContaining("zstd");
		String helm = zstd.replace("application/vnd.oci.image.config.v1+json", "application/vnd.cncf.helm.config.v1+json");
		assertThatExceptionOfType(InvalidParameterException.class).isThrownBy(() -> Manifest.parse(helm.getBytes(), ""))
			.withMessageContaining("not an image");
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> Manifest.parse("[1,2]".getBytes(), ""));
		String badDigest = zstd.replace("sha256:" + "1".repeat(64), "sha256:xyz");
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> Manifest.parse(badDigest.getBytes(), ""));
	}

	@Test
	void pullReferencesTakeTheirTagOrDigestFromTheQuery() {
		assertThat(PullService.reference("127.0.0.1:5000/a/b", "v1").familiarString())
			.isEqualTo("127.0.0.1:5000/a/b:v1");
		String digest = "sha256:" + "a".repeat(64);
		assertThat(PullService.reference("127.0.0.1:5000/a/b", digest).digest().value()).isEqualTo(digest);
		assertThat(PullService.reference("127.0.0.1:5000/a/b:x", "").tag()).isEqualTo("x");
		assertThat(PullService.reference("127.0.0.1:5000/a/b", "").hasTag()).isFalse();
	}

	@Test
	void loopbackAndConfiguredRegistriesAreInsecureOthersAreNot() {
		RegistryProperties props = new RegistryProperties(List.of("10.1.0.0/16", "myreg.local:5000"),
				List.of("http://127.0.0.1:6000/"), 3, 5, org.springframework.util.unit.DataSize.ofMegabytes(64));
		RegistryTransport t = new RegistryTransport(props);
		try {
			assertThat(t.isInsecure("127.0.0.1:5000")).isTrue();
			assertThat(t.isInsecure("127.3.4.5")).isTrue();
			assertThat(t.isInsecure("[::1]:5000")).isTrue();
			assertThat(t.isInsecure("10.1.200.3:5000")).isTrue();
			assertThat(t.isInsecure("10.2.0.1:5000")).isFalse();
			assertThat(t.isInsecure("myreg.local:5000")).isTrue();
			assertThat(t.endpoints("10.2.0.1:5000")).extracting(Object::toString).containsExactly("https://10.2.0.1:5000");
			assertThat(t.endpoints("127.0.0.1:5000")).extracting(Object::toString)
				.containsExactly("https://127.0.0.1:5000", "http://127.0.0.1:5000");
			assertThat(t.endpoints("docker.io")).extracting(Object::toString)
				.containsExactly("http://127.0.0.1:6000", "https://registry-1.docker.io");
		}
		finally {
			t.destroy();
		}
	}

	private static String entry(String hexStart, String os, String arch, String extra) {
		return "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," + extra + "\"digest\":\"sha256:"
				+ hexStart.repeat(64) + "\",\"size\":1,\"platform\":{\"os\":\"" + os + "\",\"architecture\":\"" + arch
				+ "\"}}";
	}

}
