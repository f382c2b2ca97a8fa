/**
 * The Docker API's {@code /volumes} endpoints: thin handlers over {@link io.berth.volume.VolumeService} and the
 * Docker-shaped records they read and write.
 */
@NullMarked
package io.berth.api.dockercompat.volume;

import org.jspecify.annotations.NullMarked;
