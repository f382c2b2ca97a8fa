/**
 * {@code docker save} and {@code docker load}: docker-archive tarballs (manifest.json, repositories, config and layer
 * tars) and OCI image layouts. Registers what it loads through {@link io.berth.image.ImageService}.
 */
package io.berth.image.archive;
