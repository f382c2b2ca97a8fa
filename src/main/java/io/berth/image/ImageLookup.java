package io.berth.image;

/** What the container feature needs of images: finding one to run. */
public interface ImageLookup {

	/**
	 * Resolves a reference: {@code name[:tag]} (tag defaults to latest; {@code docker.io/library/} prefixes are
	 * accepted), a full or unique-prefix ID with or without {@code sha256:}, or {@code name@digest}.
	 * @throws io.berth.error.NotFoundException with dockerd's text {@code No such image: <ref>}
	 */
	ResolvedImage resolve(String reference);

}
