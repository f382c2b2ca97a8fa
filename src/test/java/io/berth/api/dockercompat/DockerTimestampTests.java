package io.berth.api.dockercompat;

import java.time.Instant;

import io.berth.error.InvalidParameterException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests for {@link DockerTimestamp}. */
class DockerTimestampTests {

	@Test
	void parseWhenWholeSecondsGivesThatSecond() {
		assertThat(DockerTimestamp.parse("since", "1795846625")).isEqualTo(Instant.ofEpochSecond(1795846625));
	}

	@Test
	void parseWhenNineDigitFractionGivesNanoseconds() {
		// The CLI sends this form for --since 10m or an RFC 3339 time.
		assertThat(DockerTimestamp.parse("since", "1795846625.000000123"))
			.isEqualTo(Instant.ofEpochSecond(1795846625, 123));
	}

	@Test
	void parseWhenShortFractionIsADecimalFraction() {
		assertThat(DockerTimestamp.parse("until", "10.5")).isEqualTo(Instant.ofEpochSecond(10, 500_000_000));
		assertThat(DockerTimestamp.parse("until", "10.")).isEqualTo(Instant.ofEpochSecond(10));
	}

	@Test
	void parseWhenLongerThanNanosecondsTruncates() {
		assertThat(DockerTimestamp.parse("until", "10.1234567891")).isEqualTo(Instant.ofEpochSecond(10, 123456789));
	}

	@Test
	void parseWhenAbsentOrBlankIsNull() {
		assertThat(DockerTimestamp.parse("since", null)).isNull();
		assertThat(DockerTimestamp.parse("since", "")).isNull();
	}

	@Test
	void parseWhenNotNumericIsInvalidParameterNamingTheParameter() {
		assertThatThrownBy(() -> DockerTimestamp.parse("since", "10m")).isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("since");
		assertThatThrownBy(() -> DockerTimestamp.parse("until", "1.x")).isInstanceOf(InvalidParameterException.class);
		assertThatThrownBy(() -> DockerTimestamp.parse("until", "1.-5")).isInstanceOf(InvalidParameterException.class);
	}

	@Test
	void toNanosIsTheTimeNanoUnit() {
		assertThat(DockerTimestamp.toNanos(Instant.ofEpochSecond(1795846641, 281763071)))
			.isEqualTo(1795846641281763071L);
	}

}
