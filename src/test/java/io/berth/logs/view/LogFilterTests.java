package io.berth.logs.view;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.berth.error.InvalidParameterException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tests for {@link LogFilter}. */
class LogFilterTests {

	@Test
	void blankConditionsMeanNone() {
		LogFilter filter = LogFilter.parse(true, false, "", " ", null);
		assertThat(filter).isEqualTo(new LogFilter(true, false, null, null, null));
	}

	@Test
	void parsesRfc3339WithAnyOffset() {
		LogFilter filter = LogFilter.parse(true, true, null, "2026-01-02T15:04:05.5+02:00", "2026-01-02T15:04:05Z");
		assertThat(filter.since()).isEqualTo(Instant.parse("2026-01-02T13:04:05.5Z"));
		assertThat(filter.until()).isEqualTo(Instant.parse("2026-01-02T15:04:05Z"));
	}

	@Test
	void parsesUnixSecondsWithAFraction() {
		assertThat(LogFilter.parse(true, true, null, "1767366245", null).since())
			.isEqualTo(Instant.ofEpochSecond(1767366245));
		assertThat(LogFilter.parse(true, true, null, "1767366245.25", null).since())
			.isEqualTo(Instant.ofEpochSecond(1767366245, 250_000_000));
		assertThat(LogFilter.parse(true, true, null, "-1.5", null).since()).isEqualTo(Instant.ofEpochMilli(-1500));
	}

	@Test
	void rejectsABadRegexWithItsReason() {
		assertThatThrownBy(() -> LogFilter.parse(true, true, "error(", null, null))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("invalid search pattern")
			.hasMessageContaining("Unclosed group");
	}

	@Test
	void rejectsAnOverlongRegex() {
		assertThatThrownBy(() -> LogFilter.parse(true, true, "a".repeat(1001), null, null))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("longer than 1000");
	}

	@Test
	void rejectsBadTimes() {
		for (String bad : new String[] { "yesterday", "2026-13-01T00:00:00Z", "2026-01-01", "2026-01-01T00:00:00",
				"1.1234567890", "99999999999999999999", "9223372036854775807" }) {
			assertThatThrownBy(() -> LogFilter.parse(true, true, null, bad, null)).as(bad)
				.isInstanceOf(InvalidParameterException.class)
				.hasMessageContaining("invalid since time")
				.hasMessageContaining("RFC 3339");
		}
		assertThatThrownBy(() -> LogFilter.parse(true, true, null, null, "soon"))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("invalid until time \"soon\"");
	}

	@Test
	void rejectsAWindowThatEndsBeforeItStarts() {
		assertThatThrownBy(() -> LogFilter.parse(true, true, null, "20", "10"))
			.isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("is after until");
	}

	@Test
	void filtersWithTheSamePatternTextAreEqual() {
		LogFilter a = LogFilter.parse(true, true, "err|warn", "10", null);
		LogFilter b = LogFilter.parse(true, true, "err|warn", "10", null);
		assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
		assertThat(a).isNotEqualTo(LogFilter.parse(true, true, "err", "10", null));
		assertThat(a).isNotEqualTo(LogFilter.parse(true, false, "err|warn", "10", null));
	}

}
