package io.berth.logs;

import java.time.Instant;

/**
 * Which log records to read: the streams, a time window, the last {@code tail} records ({@code -1} for all), and
 * whether to follow the file as it grows.
 */
public record LogQuery(boolean stdout, boolean stderr, Instant since, Instant until, int tail, boolean follow) {
}
