/**
 * The Docker API's system endpoints: {@code /_ping}, {@code /version}, {@code /info} and {@code /system/df}. Reads
 * the engine through {@link io.berth.system.SystemService} and {@link io.berth.host.HostInfo}.
 */
@NullMarked
package io.berth.api.dockercompat.system;

import org.jspecify.annotations.NullMarked;
