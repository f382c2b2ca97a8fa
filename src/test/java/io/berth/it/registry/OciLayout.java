package io.berth.it.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/}) that test images are
 * written into, one tag each, for skopeo to push ({@code oci:DIR:TAG}).
 */
public final class OciLayout {

	public static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";

	public static final String INDEX = "application/vnd.oci.image.index.v1+json";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Path dir;

	private final ArrayNode refs = JSON.createArrayNode();

	/** What one written image is made of, by digest. */
	public record Written(String manifestDigest, String configDigest, List<String> diffIds,
			List<String> layerDigests) {
	}

	private OciLayout(Path dir) {
		this.dir = dir;
	}

	public static OciLayout create(Path dir) throws IOException {
		Files.createDirectories(dir.resolve("blobs/sha256"));
		Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
		OciLayout layout = new OciLayout(dir);
		layout.writeIndex();
		return layout;
	}

	public Path dir() {
		return this.dir;
	}

	/** {@code oci:DIR:TAG}, skopeo's name for a tag of this layout. */
	public String reference(String tag) {
		return "oci:" + this.dir + ":" + tag;
	}

	/** Writes {@code image} and tags its manifest {@code tag}. */
	public Written add(String tag, ImageSpec image) throws IOException {
		Written written = writeImage(image);
		ObjectNode ref = descriptor(MANIFEST, written.manifestDigest(), blobSize(written.manifestDigest()));
		ref.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
		this.refs.add(ref);
		writeIndex();
		return written;
	}

	/** Writes an image index of {@code images}, one per platform, and tags it {@code tag}; returns its digest. */
	public String addIndex(String tag, ImageSpec... images) throws IOException {
		ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", INDEX);
		ArrayNode manifests = index.putArray("manifests");
		for (ImageSpec image : images) {
			Written written = writeImage(image);
			manifests.add(descriptor(MANIFEST, written.manifestDigest(), blobSize(written.manifestDigest()))
				.set("platform", image.platform()));
		}
		String digest = writeBlob(JSON.writeValueAsBytes(index));
		ObjectNode ref = descriptor(INDEX, digest, blobSize(digest));
		ref.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
		this.refs.add(ref);
		writeIndex();
		return digest;
	}

	private Written writeImage(ImageSpec image) throws IOException {
		List<String> diffIds = new ArrayList<>();
		ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MANIFEST);
		ArrayNode layers = JSON.createArrayNode();
		List<String> layerDigests = new ArrayList<>();
		for (TarLayer layer : image.layers()) {
			diffIds.add(Digests.sha256(layer.tar()));
			byte[] blob = layer.blob();
			String digest = writeBlob(blob);
			layerDigests.add(digest);
			layers.add(descriptor(layer.gzip() ? "application/vnd.oci.image.layer.v1.tar+gzip"
					: "application/vnd.oci.image.layer.v1.tar", digest, blob.length));
		}
		byte[] config = image.config(diffIds);
		String configDigest = writeBlob(config);
		manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", configDigest, config.length));
		manifest.set("layers", layers);
		String manifestDigest = writeBlob(JSON.writeValueAsBytes(manifest));
		return new Written(manifestDigest, configDigest, diffIds, layerDigests);
	}

	private String writeBlob(byte[] data) throws IOException {
		String digest = Digests.sha256(data);
		Files.write(this.dir.resolve("blobs/sha256/" + digest.substring("sha256:".length())), data);
		return digest;
	}

	private long blobSize(String digest) throws IOException {
		return Files.size(this.dir.resolve("blobs/sha256/" + digest.substring("sha256:".length())));
	}

	private void writeIndex() throws IOException {
		ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", INDEX);
		index.set("manifests", this.refs);
		Files.write(this.dir.resolve("index.json"), JSON.writeValueAsBytes(index));
	}

	private static ObjectNode descriptor(String mediaType, String digest, long size) {
		return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", size);
	}

}
