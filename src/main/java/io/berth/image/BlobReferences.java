package io.berth.image;

import java.util.Set;

import io.berth.content.Digest;

/**
 * Blobs a feature keeps in the blob store besides image configs and layer tars (a registry feature's manifests, say).
 * The start-up sweep of {@link ImageGarbageCollector} removes every blob that no image and no bean of this type
 * names, so a feature that stores blobs declares them here, and records them before the daemon can stop.
 */
public interface BlobReferences {

	/** The digests of the blobs this feature holds. */
	Set<Digest> referencedBlobs();

}
