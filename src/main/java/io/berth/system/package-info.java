/**
 * Engine-wide views for {@code /info} and {@code /system/df}. It sits above the other features and reads containers
 * through {@link io.berth.container.ContainerInventory}, images through {@link io.berth.image.ImageInventory}, and
 * volumes, events and host facts through their own types; no feature depends on it.
 */
@NullMarked
package io.berth.system;

import org.jspecify.annotations.NullMarked;
