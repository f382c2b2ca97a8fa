package io.berth.container;

/**
 * Containers by state, as {@code /info} reports them.
 *
 * @param stopped created, exited or dead: everything neither running nor paused, as dockerd counts it
 */
public record ContainerCounts(int total, int running, int paused, int stopped) {
}
