package io.berth.events;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link EventFilter}. */
class EventFilterTests {

	private static final EngineEvent DIE = new EngineEvent("container", "die", "f01d0d34aa",
			Map.of("image", "busybox:latest", "name", "web", "exitCode", "0", "tier", "front"), 1);

	private static final EngineEvent EXEC = new EngineEvent("container", "exec_start: sh -c true", "f01d0d34aa",
			Map.of("image", "busybox", "name", "web"), 2);

	private static final EngineEvent VOLUME = new EngineEvent("volume", "create", "data",
			Map.of("driver", "local"), 3);

	private static final EngineEvent PULL = new EngineEvent("image", "pull", "registry:5000/app:v1",
			Map.of("name", "registry:5000/app"), 4);

	private static EventFilter filter(Map<String, List<String>> terms) {
		return new EventFilter(terms);
	}

	@Test
	void matchesWhenEmptyMatchesEverything() {
		assertThat(EventFilter.all().matches(DIE)).isTrue();
		assertThat(filter(Map.of("type", List.of())).matches(VOLUME)).isTrue();
	}

	@Test
	void matchesWhenSeveralValuesOfOneKeyOrsThem() {
		EventFilter f = filter(Map.of("type", List.of("volume", "network")));
		assertThat(f.matches(VOLUME)).isTrue();
		assertThat(f.matches(DIE)).isFalse();
	}

	@Test
	void matchesWhenSeveralKeysAndsThem() {
		assertThat(filter(Map.of("type", List.of("container"), "event", List.of("die"))).matches(DIE)).isTrue();
		assertThat(filter(Map.of("type", List.of("volume"), "event", List.of("die"))).matches(DIE)).isFalse();
	}

	@Test
	void matchesWhenEventFilterIsThePartBeforeTheColon() {
		assertThat(filter(Map.of("event", List.of("exec_start"))).matches(EXEC)).isTrue();
		assertThat(filter(Map.of("event", List.of("exec_start: sh -c true"))).matches(EXEC)).isTrue();
		assertThat(filter(Map.of("event", List.of("exec"))).matches(EXEC)).isFalse();
		assertThat(filter(Map.of("event", List.of("di"))).matches(DIE)).isFalse();
	}

	@Test
	void matchesWhenContainerByIdPrefixOrName() {
		assertThat(filter(Map.of("container", List.of("f01d"))).matches(DIE)).isTrue();
		assertThat(filter(Map.of("container", List.of("web"))).matches(DIE)).isTrue();
		assertThat(filter(Map.of("container", List.of("db"))).matches(DIE)).isFalse();
	}

	@Test
	void matchesWhenVolumeOrNetworkNamesTheActor() {
		assertThat(filter(Map.of("volume", List.of("data"))).matches(VOLUME)).isTrue();
		assertThat(filter(Map.of("volume", List.of("other"))).matches(VOLUME)).isFalse();
		assertThat(filter(Map.of("network", List.of("bridge"))).matches(VOLUME)).isFalse();
	}

	@Test
	void matchesWhenImageWithOrWithoutTag() {
		assertThat(filter(Map.of("image", List.of("busybox"))).matches(DIE)).isTrue();
		assertThat(filter(Map.of("image", List.of("busybox:latest"))).matches(DIE)).isTrue();
		assertThat(filter(Map.of("image", List.of("alpine"))).matches(DIE)).isFalse();
		// For image events the name is the actor; a registry port is not a tag.
		assertThat(filter(Map.of("image", List.of("registry:5000/app"))).matches(PULL)).isTrue();
		assertThat(filter(Map.of("image", List.of("registry"))).matches(PULL)).isFalse();
	}

	@Test
	void matchesWhenLabelKeyOrKeyValueAndEveryLabelMustMatch() {
		assertThat(filter(Map.of("label", List.of("tier"))).matches(DIE)).isTrue();
		assertThat(filter(Map.of("label", List.of("tier=front"))).matches(DIE)).isTrue();
		assertThat(filter(Map.of("label", List.of("tier=back"))).matches(DIE)).isFalse();
		assertThat(filter(Map.of("label", List.of("tier=front", "exitCode=0"))).matches(DIE)).isTrue();
		assertThat(filter(Map.of("label", List.of("tier=front", "missing"))).matches(DIE)).isFalse();
	}

	@Test
	void matchesWhenScopeLocal() {
		assertThat(filter(Map.of("scope", List.of("local"))).matches(DIE)).isTrue();
		assertThat(filter(Map.of("scope", List.of("swarm"))).matches(DIE)).isFalse();
	}

}
