package io.berth.stats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class StatsHistoryFileTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));

	private final StatsProperties properties = new StatsProperties(Duration.ofHours(1), Duration.ofSeconds(10));

	@Test
	void aSavedHistoryLoadsBackIntoTheSameBuckets(@TempDir Path dir) throws Exception {
		StatsHistory before = new StatsHistory(this.properties, this.clock);
		for (int i = 0; i < 95; i++) {
			long t = this.clock.millis();
			before.add("a", new StatsPoint(t, i % 7, 1000L + i, 4096, i, 2 * i, 0, 3, 2));
			if (i % 3 == 0) {
				before.add("b", new StatsPoint(t, 50, 64L << 20, 0, 0, 0, 1, 1, 10));
			}
			this.clock.advance(Duration.ofSeconds(1));
		}
		Path file = dir.resolve("stats-history.bin");
		StatsHistoryFile.save(before, file);
		StatsHistory after = new StatsHistory(this.properties, this.clock);
		StatsHistoryFile.load(after, file);
		assertThat(after.ids()).containsExactlyInAnyOrder("a", "b");
		assertThat(after.points("a")).hasSize(before.points("a").size()).isNotEmpty();
		for (int i = 0; i < before.points("a").size(); i++) {
			StatsPoint x = before.points("a").get(i);
			StatsPoint y = after.points("a").get(i);
			assertThat(y.t()).isEqualTo(x.t());
			assertThat(y.cpu()).isCloseTo(x.cpu(), org.assertj.core.data.Offset.offset(1e-4));
			assertThat(y.mem()).isEqualTo(x.mem());
			assertThat(y.pids()).isEqualTo(x.pids());
		}
		assertThat(after.points("b")).isEqualTo(before.points("b"));
	}

	@Test
	void aMissingForeignOrTruncatedFileAddsWhatItCan(@TempDir Path dir) throws Exception {
		StatsHistory history = new StatsHistory(this.properties, this.clock);
		StatsHistoryFile.load(history, dir.resolve("none.bin"));
		Path foreign = dir.resolve("foreign.bin");
		Files.writeString(foreign, "not a history at all");
		StatsHistoryFile.load(history, foreign);
		assertThat(history.ids()).isEmpty();
		StatsHistory full = new StatsHistory(this.properties, this.clock);
		full.add("a", new StatsPoint(this.clock.millis(), 1, 2, 3, 4, 5, 6, 7, 8));
		Path file = dir.resolve("h.bin");
		StatsHistoryFile.save(full, file);
		byte[] bytes = Files.readAllBytes(file);
		Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
		StatsHistoryFile.load(history, file);
		assertThat(history.points("a")).isEmpty();
	}

}
