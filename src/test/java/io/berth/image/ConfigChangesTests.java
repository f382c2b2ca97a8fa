package io.berth.image;

import java.util.List;

import io.berth.error.InvalidParameterException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code docker import -c} changes applied to a config, in Dockerfile syntax. */
class ConfigChangesTests {

	private static ObjectNode apply(String... changes) {
		return ImageConfigs.importRunConfig(List.of(changes));
	}

	@Test
	void cmdAndEntrypointReadJsonAndShellForms() {
		ObjectNode c = apply("CMD [\"sh\", \"-c\", \"echo hi\"]", "entrypoint /bin/init --flag");
		assertThat(c.get("Cmd").toString()).isEqualTo("[\"sh\",\"-c\",\"echo hi\"]");
		assertThat(c.get("Entrypoint").toString()).isEqualTo("[\"/bin/sh\",\"-c\",\"/bin/init --flag\"]");
		assertThat(apply("CMD echo hi").get("Cmd").toString()).isEqualTo("[\"/bin/sh\",\"-c\",\"echo hi\"]");
		assertThat(apply("CMD [not json").get("Cmd").get(2).asString()).isEqualTo("[not json");
	}

	@Test
	void entrypointAloneDropsCmd() {
		ObjectNode c = apply("ENTRYPOINT [\"/init\"]");
		assertThat(c.get("Cmd").isNull()).isTrue();
		assertThat(apply("CMD [\"x\"]", "ENTRYPOINT [\"/init\"]").get("Cmd").toString()).isEqualTo("[\"x\"]");
	}

	@Test
	void envKeepsDefaultPathAndReadsBothForms() {
		ObjectNode c = apply("ENV FOO=bar", "ENV A=\"x y\" B='q' C=a\\ b", "ENV LEGACY some value",
				"ENV FOO=baz", "ENV PATH=$PATH:/opt/bin", "ENV REF=${FOO}-1");
		assertThat(c.get("Env").toString()).isEqualTo("[\"PATH=" + ImageConfigs.DEFAULT_PATH.substring(5)
				+ ":/opt/bin\",\"FOO=baz\",\"A=x y\",\"B=q\",\"C=a b\",\"LEGACY=some value\",\"REF=baz-1\"]");
	}

	@Test
	void workdirUserLabelStopsignalVolumeAndExpose() {
		ObjectNode c = apply("WORKDIR /app", "WORKDIR sub/../src", "USER nobody:nogroup",
				"LABEL a=1 \"b c\"=\"two words\"", "LABEL z 26", "STOPSIGNAL SIGINT", "VOLUME [\"/data\", \"/logs\"]",
				"VOLUME /cache", "EXPOSE 80 53/udp 8000-8001");
		assertThat(c.get("WorkingDir").asString()).isEqualTo("/app/src");
		assertThat(c.get("User").asString()).isEqualTo("nobody:nogroup");
		assertThat(c.get("Labels").toString()).isEqualTo("{\"a\":\"1\",\"b c\":\"two words\",\"z\":\"26\"}");
		assertThat(c.get("StopSignal").asString()).isEqualTo("SIGINT");
		assertThat(c.get("Volumes").propertyNames()).containsExactly("/cache", "/data", "/logs");
		assertThat(c.get("ExposedPorts").propertyNames()).containsExactlyInAnyOrder("80/tcp", "53/udp", "8000/tcp",
				"8001/tcp");
	}

	@Test
	void unknownOrMalformedChangesAreRefused() {
		assertThatThrownBy(() -> apply("RUN echo")).isInstanceOf(InvalidParameterException.class)
			.hasMessage("RUN is not a valid change command");
		assertThatThrownBy(() -> apply("ENV A=1 B")).isInstanceOf(InvalidParameterException.class);
		assertThatThrownBy(() -> apply("EXPOSE abc")).hasMessageContaining("invalid containerPort");
		assertThatThrownBy(() -> apply("STOPSIGNAL kill me")).hasMessageContaining("Invalid signal");
		assertThatThrownBy(() -> apply("USER")).hasMessageContaining("requires");
		assertThatThrownBy(() -> apply("ENV A=\"unterminated")).isInstanceOf(InvalidParameterException.class);
	}

	@Test
	void importConfigIsStableAndNamesItsLayer() {
		io.berth.content.Digest layer = io.berth.content.Digest.of(new byte[0]);
		java.time.Instant t = java.time.Instant.parse("2024-01-02T03:04:05.120Z");
		byte[] a = ImageConfigs.importConfig(apply("CMD [\"sh\"]"), layer, t, "Imported from -");
		byte[] b = ImageConfigs.importConfig(apply("CMD [\"sh\"]"), layer, t, "Imported from -");
		assertThat(a).isEqualTo(b);
		ConfigDocument doc = ConfigDocument.parse(a);
		assertThat(doc.diffIds()).containsExactly(layer);
		assertThat(doc.created()).isEqualTo(t);
		assertThat(doc.runConfig().cmd()).containsExactly("sh");
		assertThat(doc.comment()).isEqualTo("Imported from -");
		assertThat(new String(a)).contains("\"created\":\"2024-01-02T03:04:05.12Z\"");
	}

}
