package io.berth.stats;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The stats history the engine keeps for each container.
 *
 * @param history how far back it goes (default 24h)
 * @param resolution how much time one stored point covers (default 10s); the live one-second points are averaged
 * into it, and containers nobody watches are sampled only this often
 */
@ConfigurationProperties("berth.stats")
public record StatsProperties(@DefaultValue("24h") Duration history, @DefaultValue("10s") Duration resolution) {

	/** More points than this per container would make the history's memory a surprise (about 3 MB each). */
	static final long MAX_SLOTS = 100_000;

	public StatsProperties {
		if (resolution.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new IllegalArgumentException("berth.stats.resolution must be at least 1s, not " + resolution);
		}
		if (history.compareTo(resolution) < 0) {
			throw new IllegalArgumentException(
					"berth.stats.history (" + history + ") must be at least berth.stats.resolution (" + resolution + ")");
		}
		if (slots(history, resolution) > MAX_SLOTS) {
			throw new IllegalArgumentException("berth.stats.history / berth.stats.resolution must be at most "
					+ MAX_SLOTS + " points, not " + slots(history, resolution));
		}
	}

	/** The defaults: 24 hours at 10 seconds, 8640 points per container. */
	public static StatsProperties defaults() {
		return new StatsProperties(Duration.ofHours(24), Duration.ofSeconds(10));
	}

	/** How many points the history keeps per container: the history over the resolution, rounded up. */
	public int slots() {
		return (int) slots(this.history, this.resolution);
	}

	private static long slots(Duration history, Duration resolution) {
		long res = resolution.toMillis();
		return (history.toMillis() + res - 1) / res;
	}

}
