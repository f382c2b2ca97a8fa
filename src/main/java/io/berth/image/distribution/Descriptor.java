package io.berth.image.distribution;

import java.util.Map;

import io.berth.content.Digest;
import io.berth.error.InvalidParameterException;
import tools.jackson.databind.JsonNode;

/**
 * An OCI content descriptor as manifests and indexes hold them.
 *
 * @param mediaType what the blob is
 * @param digest its sha256
 * @param size its length, or -1 when the manifest leaves it out (the Debian dockerd omits it for configs)
 * @param platform the platform of an index entry, or null
 * @param annotations its annotations, possibly empty
 */
record Descriptor(String mediaType, Digest digest, long size, Platform platform, Map<String, String> annotations) {

	Descriptor {
		annotations = Map.copyOf(annotations);
	}

	static Descriptor parse(JsonNode node, String where) {
		if (node == null || !node.isObject()) {
			throw new InvalidParameterException("invalid manifest: " + where + " is not a descriptor");
		}
		JsonNode digest = node.get("digest");
		if (digest == null || !digest.isString() || !Digest.isDigest(digest.asString())) {
			throw new InvalidParameterException("invalid manifest: " + where + " has no sha256 digest");
		}
		JsonNode size = node.get("size");
		long length = (size != null && size.canConvertToLong()) ? size.asLong() : -1;
		if (size != null && length < 0) {
			throw new InvalidParameterException("invalid manifest: " + where + " has a negative size");
		}
		JsonNode mediaType = node.get("mediaType");
		Platform platform = null;
		JsonNode p = node.get("platform");
		if (p != null && p.isObject()) {
			platform = new Platform(text(p, "os"), text(p, "architecture"), text(p, "variant"));
		}
		Map<String, String> annotations = new java.util.HashMap<>();
		JsonNode a = node.get("annotations");
		if (a != null && a.isObject()) {
			for (Map.Entry<String, JsonNode> e : a.properties()) {
				if (e.getValue().isString()) {
					annotations.put(e.getKey(), e.getValue().asString());
				}
			}
		}
		return new Descriptor((mediaType != null && mediaType.isString()) ? mediaType.asString() : "",
				Digest.parse(digest.asString()), length, platform, annotations);
	}

	private static String text(JsonNode node, String field) {
		JsonNode v = node.get(field);
		return (v != null && v.isString()) ? v.asString() : "";
	}

	/** The short ID Docker shows in progress lines: the first 12 hex digits. */
	String shortId() {
		return this.digest.shortHex();
	}

}
