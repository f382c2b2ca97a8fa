/**
 * Engine-wide views: facts about the host, {@code /info} and {@code /system/df}. Counts and sizes of containers and
 * images come through the {@link io.berth.system.ContainerInventory} and {@link io.berth.system.ImageInventory}
 * ports, which those features implement; volumes and events are read through their services.
 */
@NullMarked
package io.berth.system;

import org.jspecify.annotations.NullMarked;
