package io.berth.build;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.error.InvalidParameterException;
import io.berth.image.ImageReference;
import org.jspecify.annotations.Nullable;

/**
 * A build's options, from {@code POST /build}'s query.
 *
 * @param tags the {@code -t} names, each checked as an image reference
 * @param dockerfile the Dockerfile's path inside the context ({@code -f})
 * @param buildArgs {@code --build-arg} values; a null value means the ARG's own default
 * @param target the stage to stop at ({@code --target}), or null for the last
 * @param noCache {@code --no-cache}
 * @param pull {@code --pull}: base images are pulled even when present
 * @param labels {@code --label}s for the final image
 * @param networkMode the network of RUN steps, {@code bridge} by default
 * @param quiet {@code -q}: only the image ID is printed
 */
public record BuildOptions(List<String> tags, String dockerfile, Map<String, @Nullable String> buildArgs,
		@Nullable String target, boolean noCache, boolean pull, Map<String, String> labels, String networkMode,
		boolean quiet) {

	public BuildOptions {
		for (String t : tags) {
			ImageReference ref;
			try {
				ref = ImageReference.parse(t);
			}
			catch (RuntimeException ex) {
				throw new InvalidParameterException("invalid reference format: " + t);
			}
			if (ref.hasDigest()) {
				throw new InvalidParameterException("invalid reference format: a tag cannot be a digest: " + t);
			}
		}
		tags = List.copyOf(tags);
		dockerfile = (dockerfile == null || dockerfile.isEmpty()) ? "Dockerfile" : dockerfile;
		buildArgs = new LinkedHashMap<>(buildArgs);
		target = (target == null || target.isEmpty()) ? null : target;
		labels = Map.copyOf(labels);
		networkMode = (networkMode == null || networkMode.isEmpty() || networkMode.equals("default")) ? "bridge"
				: networkMode;
	}

}
