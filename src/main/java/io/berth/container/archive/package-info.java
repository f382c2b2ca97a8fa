/**
 * {@code docker cp}'s file work, independent of containers: a container's root as one tree (an overlay's layers read
 * the way overlayfs merges them, plus the container's mounts), paths resolved in that tree without ever leaving it,
 * and tars written from it and extracted into it. Runs nothing from the container and loads nothing from it.
 */
@NullMarked
package io.berth.container.archive;

import org.jspecify.annotations.NullMarked;
