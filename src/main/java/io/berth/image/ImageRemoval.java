package io.berth.image;

/**
 * One line of what removing images did: a reference untagged, or an image or layer deleted.
 *
 * @param untagged the familiar reference removed, or {@code null}
 * @param deleted the {@code sha256:} ID deleted, or {@code null}
 */
public record ImageRemoval(String untagged, String deleted) {

	public static ImageRemoval untagged(String reference) {
		return new ImageRemoval(reference, null);
	}

	public static ImageRemoval deleted(String id) {
		return new ImageRemoval(null, id);
	}

}
