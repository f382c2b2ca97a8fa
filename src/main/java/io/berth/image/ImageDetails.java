package io.berth.image;

import java.time.Instant;
import java.util.List;

/**
 * What the engine knows about one image, for listing and inspecting it.
 *
 * @param id {@code sha256:...} of the config
 * @param repoTags familiar {@code name:tag} references, sorted; empty for a dangling image
 * @param repoDigests familiar {@code name@digest} references, sorted
 * @param created when the image was created, from its config
 * @param size bytes of file content in all its layers
 * @param lastTagTime when a tag last pointed here, {@code null} if never
 * @param config the image config
 */
public record ImageDetails(String id, List<String> repoTags, List<String> repoDigests, Instant created, long size,
		Instant lastTagTime, ConfigDocument config) {

	public ImageDetails {
		repoTags = List.copyOf(repoTags);
		repoDigests = List.copyOf(repoDigests);
	}

	public boolean dangling() {
		return this.repoTags.isEmpty() && this.repoDigests.isEmpty();
	}

}
