/**
 * Images: references, the image and tag store, import, listing, tagging, removal, and
 * {@link io.berth.image.ImageLookup} for containers. Depends on content, events, paths and error; the container
 * feature depends on it, never the reverse.
 */
package io.berth.image;
