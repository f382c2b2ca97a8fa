package io.berth.api.dockercompat;

import java.time.Duration;
import java.time.Instant;

import io.berth.error.InvalidParameterException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests for {@link FilterTimes}. */
class FilterTimesTests {

	@Test
	void unixSecondsWithAFraction() {
		assertThat(FilterTimes.until("10.5")).isEqualTo(Instant.ofEpochSecond(10, 500_000_000));
		assertThat(FilterTimes.until("1700000000")).isEqualTo(Instant.ofEpochSecond(1_700_000_000));
	}

	@Test
	void rfc3339() {
		assertThat(FilterTimes.until("2024-01-02T03:04:05Z")).isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
	}

	@Test
	void goDurationIsThatLongBeforeNow() {
		Instant expected = Instant.now().minus(Duration.ofMinutes(90));
		assertThat(Duration.between(expected, FilterTimes.until("1h30m")).abs()).isLessThan(Duration.ofSeconds(5));
	}

	@Test
	void anythingElseIsRefused() {
		assertThatThrownBy(() -> FilterTimes.until("yesterday")).isInstanceOf(InvalidParameterException.class)
			.hasMessage("invalid until filter: yesterday");
		assertThatThrownBy(() -> FilterTimes.until("1h30")).isInstanceOf(InvalidParameterException.class);
	}

}
