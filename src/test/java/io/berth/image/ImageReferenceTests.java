package io.berth.image;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reference parsing and normalisation, checked against distribution/reference's behaviour. */
class ImageReferenceTests {

	private static final String DIGEST = "sha256:" + "a".repeat(64);

	@Test
	void parseCompletesDockerHubNames() {
		ImageReference ref = ImageReference.parse("busybox");
		assertThat(ref.domain()).isEqualTo("docker.io");
		assertThat(ref.path()).isEqualTo("library/busybox");
		assertThat(ref.tag()).isEmpty();
		assertThat(ref.name()).isEqualTo("docker.io/library/busybox");
		assertThat(ref.familiarName()).isEqualTo("busybox");
		assertThat(ref.withDefaultTag().familiarString()).isEqualTo("busybox:latest");
		assertThat(ref.withDefaultTag().toString()).isEqualTo("docker.io/library/busybox:latest");
	}

	@Test
	void parseTreatsQualifiedAndShortNamesAlike() {
		assertThat(ImageReference.parse("docker.io/library/busybox:1.36"))
			.isEqualTo(ImageReference.parse("busybox:1.36"));
		assertThat(ImageReference.parse("index.docker.io/library/busybox"))
			.isEqualTo(ImageReference.parse("busybox"));
		assertThat(ImageReference.parse("library/busybox")).isEqualTo(ImageReference.parse("busybox"));
		assertThat(ImageReference.parse("user/app:v1").familiarString()).isEqualTo("user/app:v1");
		assertThat(ImageReference.parse("docker.io/user/app").familiarName()).isEqualTo("user/app");
	}

	@Test
	void parseReadsRegistriesWithPortsAndLocalhost() {
		ImageReference ref = ImageReference.parse("localhost:5000/team/app:v2");
		assertThat(ref.domain()).isEqualTo("localhost:5000");
		assertThat(ref.path()).isEqualTo("team/app");
		assertThat(ref.tag()).isEqualTo("v2");
		assertThat(ref.familiarString()).isEqualTo("localhost:5000/team/app:v2");
		assertThat(ImageReference.parse("localhost/app").domain()).isEqualTo("localhost");
		assertThat(ImageReference.parse("127.0.0.1:5056/rsapi/imp:v1").familiarName())
			.isEqualTo("127.0.0.1:5056/rsapi/imp");
		assertThat(ImageReference.parse("localhost:5000").tag()).isEqualTo("5000");
	}

	@Test
	void parseReadsDigests() {
		ImageReference ref = ImageReference.parse("busybox@" + DIGEST);
		assertThat(ref.hasDigest()).isTrue();
		assertThat(ref.tag()).isEmpty();
		assertThat(ref.withDefaultTag()).isEqualTo(ref);
		assertThat(ref.familiarString()).isEqualTo("busybox@" + DIGEST);
		ImageReference both = ImageReference.parse("busybox:1@" + DIGEST);
		assertThat(both.tag()).isEqualTo("1");
		assertThat(both.digest().value()).isEqualTo(DIGEST);
	}

	@Test
	void parseWhenInvalidIsRefusedWithDockerWording() {
		assertThatThrownBy(() -> ImageReference.parse("BusyBox")).isInstanceOf(InvalidReferenceException.class)
			.hasMessage("invalid reference format: repository name must be lowercase");
		assertThatThrownBy(() -> ImageReference.parse("a".repeat(64)))
			.hasMessageContaining("cannot specify 64-byte hexadecimal strings");
		for (String bad : new String[] { "", "busybox:", ":latest", "busybox@sha256:abc", "a//b", "-abc",
				"busybox:-x", "a b", "busybox:" + "t".repeat(129), "busybox@" }) {
			assertThatThrownBy(() -> ImageReference.parse(bad)).as(bad)
				.isInstanceOf(InvalidReferenceException.class)
				.hasMessageStartingWith("invalid reference format");
			assertThat(ImageReference.isValid(bad)).isFalse();
		}
		assertThatThrownBy(() -> ImageReference.parse("x/" + "a".repeat(260))).hasMessageContaining("255");
	}

	@Test
	void withTagReplacesTagAndDropsDigest() {
		ImageReference ref = ImageReference.parse("busybox:1@" + DIGEST).withTag("2");
		assertThat(ref.familiarString()).isEqualTo("busybox:2");
		assertThatThrownBy(() -> ref.withTag("bad tag")).isInstanceOf(InvalidReferenceException.class);
	}

}
