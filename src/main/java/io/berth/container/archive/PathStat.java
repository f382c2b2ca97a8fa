package io.berth.container.archive;

import java.time.Instant;

/**
 * Docker's {@code ContainerPathStat}: what {@code HEAD /containers/{id}/archive} reports in its
 * {@code X-Docker-Container-Path-Stat} header.
 *
 * @param name the last component of the path as asked for ({@code /} for the root, {@code .} for {@code dir/.})
 * @param mode Go {@link GoFileMode} bits
 * @param linkTarget for a symlink, where it leads inside the container, resolved and absolute; empty otherwise
 */
public record PathStat(String name, long size, long mode, Instant mtime, String linkTarget) {
}
