/**
 * Named and anonymous volumes with the local driver: a directory {@code volumes/<name>/_data} under the data root,
 * recorded in the database. Knows nothing of containers: it asks {@link io.berth.volume.VolumeUsage}, which the
 * container feature implements, who uses a volume.
 */
@NullMarked
package io.berth.volume;

import org.jspecify.annotations.NullMarked;
