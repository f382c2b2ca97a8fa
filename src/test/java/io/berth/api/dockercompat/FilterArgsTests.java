package io.berth.api.dockercompat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.berth.error.InvalidParameterException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests for {@link FilterArgs}. */
class FilterArgsTests {

	@Test
	void parseWhenCliMapFormReadsTheKeysOfEachObject() {
		FilterArgs f = FilterArgs.parse("{\"type\":{\"container\":true},\"label\":{\"a=b\":true,\"c\":true}}");
		assertThat(f.values()).containsOnlyKeys("type", "label");
		assertThat(f.get("type")).containsExactly("container");
		assertThat(f.get("label")).containsExactlyInAnyOrder("a=b", "c");
	}

	@Test
	void parseWhenDockerPyListFormReadsTheElements() {
		FilterArgs f = FilterArgs.parse("{\"type\":[\"container\",\"volume\"],\"event\":[\"die\"]}");
		assertThat(f.values()).isEqualTo(Map.of("type", List.of("container", "volume"), "event", List.of("die")));
	}

	@Test
	void parseWhenMapValueIsFalseStillFiltersOnTheKeyAsDockerdDoes() {
		assertThat(FilterArgs.parse("{\"type\":{\"image\":false}}").get("type")).containsExactly("image");
	}

	@Test
	void parseWhenAbsentOrBlankOrNullIsEmpty() {
		assertThat(FilterArgs.parse(null).isEmpty()).isTrue();
		assertThat(FilterArgs.parse("  ").isEmpty()).isTrue();
		assertThat(FilterArgs.parse("null").isEmpty()).isTrue();
		assertThat(FilterArgs.parse("{}").isEmpty()).isTrue();
	}

	@Test
	void parseWhenNotJsonIsInvalidParameter() {
		assertThatThrownBy(() -> FilterArgs.parse("type=container")).isInstanceOf(InvalidParameterException.class)
			.hasMessageStartingWith("invalid filter");
		assertThatThrownBy(() -> FilterArgs.parse("[\"x\"]")).isInstanceOf(InvalidParameterException.class);
		assertThatThrownBy(() -> FilterArgs.parse("{\"type\":3}")).isInstanceOf(InvalidParameterException.class);
	}

	@Test
	void validateWhenKeyUnknownUsesDockerdsMessage() {
		FilterArgs f = FilterArgs.parse("{\"bogus\":[\"x\"]}");
		assertThatThrownBy(() -> f.validate(Set.of("type"))).isInstanceOf(InvalidParameterException.class)
			.hasMessage("invalid filter 'bogus'");
		assertThat(FilterArgs.parse("{\"type\":[\"x\"]}").validate(Set.of("type")).get("type")).containsExactly("x");
	}

	@Test
	void getWhenKeyAbsentIsEmpty() {
		assertThat(FilterArgs.parse("{}").get("type")).isEmpty();
		assertThat(FilterArgs.parse("{}").contains("type")).isFalse();
	}

}
