package io.berth.image.distribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.berth.content.Digest;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotFoundException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A manifest or index as fetched, with the digest of its exact bytes. The four media types Docker pulls are
 * understood; schema 1 is refused, as Docker 28 does.
 */
record Manifest(String mediaType, byte[] raw, Digest digest, Descriptor config, List<Descriptor> layers,
		List<Descriptor> manifests) {

	static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

	static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

	static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

	static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

	static final String DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";

	static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

	static final String DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

	/** Every type asked for in {@code Accept}, so a registry can serve lists as well as single manifests. */
	static final List<String> ACCEPT = List.of(DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX,
			"application/vnd.docker.distribution.manifest.v1+prettyjws", "application/json");

	private static final Set<String> LAYER_TYPES = Set.of(DOCKER_LAYER_GZIP,
			"application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", "application/vnd.oci.image.layer.v1.tar",
			"application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.image.layer.nondistributable.v1.tar",
			"application/vnd.oci.image.layer.nondistributable.v1.tar+gzip");

	Manifest {
		layers = List.copyOf(layers);
		manifests = List.copyOf(manifests);
	}

	boolean isIndex() {
		return this.mediaType.equals(DOCKER_LIST) || this.mediaType.equals(OCI_INDEX);
	}

	/**
	 * Parses manifest bytes; {@code contentType} is the response's, used when the document has no mediaType.
	 * @throws InvalidParameterException for schema 1, unknown types and malformed documents
	 */
	static Manifest parse(byte[] raw, String contentType) {
		JsonNode node;
		try {
			node = RegistrySession.MAPPER.readTree(raw);
		}
		catch (JacksonException ex) {
			throw new InvalidParameterException("invalid manifest: " + ex.getOriginalMessage());
		}
		if (node == null || !node.isObject()) {
			throw new InvalidParameterException("invalid manifest: not a JSON object");
		}
		JsonNode mt = node.get("mediaType");
		String type = (mt != null && mt.isString()) ? mt.asString() : "";
		if (type.isEmpty()) {
			String ct = (contentType != null) ? contentType.split(";")[0].trim() : "";
			JsonNode schema = node.get("schemaVersion");
			if (schema != null && schema.asInt() == 1
					|| ct.startsWith("application/vnd.docker.distribution.manifest.v1")) {
				type = "schema1";
			}
			else if (node.has("manifests")) {
				type = ct.equals(DOCKER_LIST) ? DOCKER_LIST : OCI_INDEX;
			}
			else {
				type = ct.equals(DOCKER_MANIFEST) ? DOCKER_MANIFEST : OCI_MANIFEST;
			}
		}
		Digest digest = Digest.of(raw);
		switch (type) {
			case DOCKER_LIST, OCI_INDEX -> {
				List<Descriptor> entries = new ArrayList<>();
				JsonNode list = node.get("manifests");
				if (list == null || !list.isArray()) {
					throw new InvalidParameterException("invalid manifest list: no manifests");
				}
				int i = 0;
				for (JsonNode m : list) {
					entries.add(Descriptor.parse(m, "manifests[" + i++ + "]"));
				}
				return new Manifest(type, raw, digest, null, List.of(), entries);
			}
			case DOCKER_MANIFEST, OCI_MANIFEST -> {
				Descriptor config = Descriptor.parse(node.get("config"), "config");
				if (!config.mediaType().equals(DOCKER_CONFIG) && !config.mediaType().equals(OCI_CONFIG)
						&& !config.mediaType().isEmpty()) {
					throw new InvalidParameterException("Encountered remote \"" + config.mediaType()
							+ "\"(unknown) when fetching: not an image");
				}
				List<Descriptor> layers = new ArrayList<>();
				JsonNode list = node.get("layers");
				if (list == null || !list.isArray()) {
					throw new InvalidParameterException("invalid manifest: no layers");
				}
				int i = 0;
				for (JsonNode l : list) {
					Descriptor d = Descriptor.parse(l, "layers[" + i++ + "]");
					if (d.mediaType().endsWith("+zstd")) {
						throw new InvalidParameterException("layer " + d.digest() + " is zstd-compressed, which Berth "
								+ "does not support");
					}
					if (!LAYER_TYPES.contains(d.mediaType()) && !d.mediaType().isEmpty()) {
						throw new InvalidParameterException("unsupported layer media type " + d.mediaType());
					}
					layers.add(d);
				}
				return new Manifest(type, raw, digest, config, layers, List.of());
			}
			case "schema1" -> throw new InvalidParameterException("Docker Image Format v1 and Docker Image manifest "
					+ "version 2, schema 1 are not supported: the image must be pushed again in a newer format");
			default -> throw new InvalidParameterException("unsupported manifest media type " + type);
		}
	}

	/**
	 * Picks the entry of an index for a platform, skipping attestations (their platform is unknown/unknown).
	 * @throws NotFoundException with dockerd's words when no entry matches
	 */
	Descriptor select(Platform wanted) {
		for (Descriptor d : this.manifests) {
			if (d.annotations().containsKey("vnd.docker.reference.type")) {
				continue;
			}
			if (wanted.matches(d.platform())) {
				return d;
			}
		}
		throw new NotFoundException("no matching manifest for " + wanted + " in the manifest list entries");
	}

}
