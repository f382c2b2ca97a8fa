package io.berth.api.dockercompat.container;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import io.berth.container.archive.GoFileMode;
import io.berth.container.archive.PathStat;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code X-Docker-Container-Path-Stat} header: standard base64 of the JSON the CLI decodes. */
class ArchiveHeaderTests {

	@Test
	void headerWhenDirectoryEncodesGoModeAndRfc3339Time() {
		JsonMapper json = JsonMapper.builder().build();
		ArchiveController controller = new ArchiveController(null, json);
		String header = controller.header(new PathStat("etc", 4096, GoFileMode.of(040755),
				Instant.parse("2026-11-28T06:16:19.500Z"), ""));
		String decoded = new String(Base64.getDecoder().decode(header), StandardCharsets.UTF_8);
		assertThat(decoded).isEqualTo("{\"name\":\"etc\",\"size\":4096,\"mode\":2147484141,"
				+ "\"mtime\":\"2026-11-28T06:16:19.5Z\",\"linkTarget\":\"\"}");
	}

}
