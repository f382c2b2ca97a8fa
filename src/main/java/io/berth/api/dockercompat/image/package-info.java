/**
 * The Docker API's image endpoints ({@code /images/...}): package-private controllers and Docker-shaped records over
 * {@link io.berth.image.ImageService} and {@link io.berth.image.archive.ImageArchiveService}. No logic lives here.
 */
package io.berth.api.dockercompat.image;
