package io.berth.runtime;

import java.time.Instant;

/**
 * How a container ended, as its monitor recorded it: the exit code (128+signal when a signal killed it), the signal,
 * whether the kernel's OOM killer was involved, and when it started and finished.
 */
public record ExitRecord(int exitCode, int signal, boolean oomKilled, Instant startedAt, Instant finishedAt) {
}
