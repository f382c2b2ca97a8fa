package io.berth.stats;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Binding and validation of {@code berth.stats}. */
class StatsPropertiesTests {

	@Test
	void bindWithoutSettingsGivesADayAtTenSeconds() {
		StatsProperties p = bind(Map.of());
		assertThat(p).isEqualTo(StatsProperties.defaults());
		assertThat(p.history()).isEqualTo(Duration.ofHours(24));
		assertThat(p.resolution()).isEqualTo(Duration.ofSeconds(10));
		assertThat(p.slots()).isEqualTo(8640);
	}

	@Test
	void bindReadsSimpleDurations() {
		StatsProperties p = bind(Map.of("berth.stats.history", "2h", "berth.stats.resolution", "5s"));
		assertThat(p.slots()).isEqualTo(1440);
	}

	@Test
	void bindWhenInvalidFails() {
		assertThatThrownBy(() -> bind(Map.of("berth.stats.resolution", "500ms"))).isInstanceOf(BindException.class)
			.rootCause()
			.hasMessageContaining("at least 1s");
	}

	@Test
	void resolutionBelowOneSecondIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StatsProperties(Duration.ofHours(1), Duration.ofMillis(999)));
	}

	@Test
	void historyShorterThanResolutionIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StatsProperties(Duration.ofSeconds(9), Duration.ofSeconds(10)));
		assertThat(new StatsProperties(Duration.ofSeconds(10), Duration.ofSeconds(10)).slots()).isOne();
	}

	@Test
	void moreThanOneHundredThousandPointsAreRejected() {
		assertThat(new StatsProperties(Duration.ofSeconds(100_000), Duration.ofSeconds(1)).slots()).isEqualTo(100_000);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StatsProperties(Duration.ofSeconds(100_001), Duration.ofSeconds(1)))
			.withMessageContaining("100000");
		// A history that is not a whole number of resolutions rounds up.
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StatsProperties(Duration.ofMillis(100_000_500), Duration.ofSeconds(1)));
	}

	private static StatsProperties bind(Map<String, String> settings) {
		return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("berth.stats",
				StatsProperties.class);
	}

}
