package io.berth.volume;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.berth.error.InvalidParameterException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests for {@link VolumeFilter}. */
class VolumeFilterTests {

	private static final VolumeInfo DATA = new VolumeInfo("app-data", "local", Path.of("/v/app-data/_data"),
			Instant.EPOCH, Map.of("env", "prod", "team", ""), Map.of(), false);

	@Test
	void forListWhenUnknownKeyIsInvalid() {
		assertThatThrownBy(() -> VolumeFilter.forList(Map.of("until", List.of("1h"))))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessage("invalid filter 'until'");
	}

	@Test
	void forListWhenDanglingNotABooleanIsInvalid() {
		assertThatThrownBy(() -> VolumeFilter.forList(Map.of("dangling", List.of("maybe"))))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessage("invalid filter 'dangling=maybe'");
	}

	@Test
	void matchesWhenDanglingSelectsByUse() {
		VolumeFilter dangling = VolumeFilter.forList(Map.of("dangling", List.of("true")));
		assertThat(dangling.needsUsage()).isTrue();
		assertThat(dangling.matches(DATA, false)).isTrue();
		assertThat(dangling.matches(DATA, true)).isFalse();
		assertThat(VolumeFilter.forList(Map.of("dangling", List.of("0"))).matches(DATA, true)).isTrue();
	}

	@Test
	void matchesWhenNameIsAnUnanchoredPattern() {
		assertThat(VolumeFilter.forList(Map.of("name", List.of("data"))).matches(DATA, false)).isTrue();
		assertThat(VolumeFilter.forList(Map.of("name", List.of("^app"))).matches(DATA, false)).isTrue();
		assertThat(VolumeFilter.forList(Map.of("name", List.of("^data"))).matches(DATA, false)).isFalse();
		assertThat(VolumeFilter.forList(Map.of("name", List.of("nope", "app"))).matches(DATA, false)).isTrue();
		assertThat(VolumeFilter.forList(Map.of("name", List.of("[bad"))).matches(DATA, false)).isFalse();
	}

	@Test
	void matchesWhenDriverIsExact() {
		assertThat(VolumeFilter.forList(Map.of("driver", List.of("local"))).matches(DATA, false)).isTrue();
		assertThat(VolumeFilter.forList(Map.of("driver", List.of("nfs"))).matches(DATA, false)).isFalse();
	}

	@Test
	void matchesWhenEveryLabelMatches() {
		assertThat(VolumeFilter.forList(Map.of("label", List.of("env=prod", "team"))).matches(DATA, false)).isTrue();
		assertThat(VolumeFilter.forList(Map.of("label", List.of("env=prod", "x"))).matches(DATA, false)).isFalse();
	}

	@Test
	void forPruneWhenNegatedLabelKeepsMatchingVolumes() {
		assertThat(VolumeFilter.forPrune(Map.of("label!", List.of("env=prod"))).matches(DATA, false)).isFalse();
		assertThat(VolumeFilter.forPrune(Map.of("label!", List.of("env=dev"))).matches(DATA, false)).isTrue();
		assertThatThrownBy(() -> VolumeFilter.forPrune(Map.of("dangling", List.of("true"))))
			.isInstanceOf(InvalidParameterException.class);
	}

}
