package io.berth.api.dockercompat.events;

import java.util.Map;

import io.berth.events.EngineEvent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link EventMessage}: the wire shape dockerd 20.10 sends at API 1.41. */
class EventMessageTests {

	private static JsonNode json(EngineEvent event) {
		JsonMapper mapper = JsonMapper.shared();
		return mapper.readTree(mapper.writeValueAsString(EventMessage.of(event)));
	}

	@Test
	void containerEventCarriesTheLegacyFields() {
		JsonNode j = json(new EngineEvent("container", "die", "f01d", Map.of("image", "busybox", "exitCode", "0"),
				1795846641281763071L));
		assertThat(j.get("status").asString()).isEqualTo("die");
		assertThat(j.get("id").asString()).isEqualTo("f01d");
		assertThat(j.get("from").asString()).isEqualTo("busybox");
		assertThat(j.get("Type").asString()).isEqualTo("container");
		assertThat(j.get("Action").asString()).isEqualTo("die");
		assertThat(j.get("Actor").get("ID").asString()).isEqualTo("f01d");
		assertThat(j.get("Actor").get("Attributes").get("exitCode").asString()).isEqualTo("0");
		assertThat(j.get("scope").asString()).isEqualTo("local");
		assertThat(j.get("time").asLong()).isEqualTo(1795846641L);
		assertThat(j.get("timeNano").asLong()).isEqualTo(1795846641281763071L);
	}

	@Test
	void imageEventHasStatusAndIdButNoFrom() {
		JsonNode j = json(new EngineEvent("image", "pull", "busybox:latest", Map.of("name", "busybox"), 1));
		assertThat(j.get("status").asString()).isEqualTo("pull");
		assertThat(j.get("id").asString()).isEqualTo("busybox:latest");
		assertThat(j.has("from")).isFalse();
	}

	@Test
	void volumeEventHasNoLegacyFields() {
		JsonNode j = json(new EngineEvent("volume", "create", "v", Map.of("driver", "local"), 1));
		assertThat(j.has("status")).isFalse();
		assertThat(j.has("id")).isFalse();
		assertThat(j.has("from")).isFalse();
		assertThat(j.get("Actor").get("Attributes").get("driver").asString()).isEqualTo("local");
	}

}
