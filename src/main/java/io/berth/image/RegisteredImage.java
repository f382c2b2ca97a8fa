package io.berth.image;

import java.util.List;
import java.util.Map;

/**
 * An image just registered.
 *
 * @param id its {@code sha256:} ID
 * @param tags the familiar references now pointing at it
 * @param movedTags tags that another image had before, with that image's ID
 */
public record RegisteredImage(String id, List<String> tags, Map<String, String> movedTags) {

	public RegisteredImage {
		tags = List.copyOf(tags);
		movedTags = Map.copyOf(movedTags);
	}

}
