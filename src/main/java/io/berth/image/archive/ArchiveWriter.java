package io.berth.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.berth.content.Digest;
import io.berth.image.ConfigDocument;
import io.berth.image.ImageReference;
import io.berth.image.Rfc3339;
import io.berth.image.layer.ChainIds;
import io.berth.image.layer.LayerStore;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes what moby 25 and later write for {@code docker save}: an OCI image layout ({@code oci-layout},
 * {@code index.json} with one descriptor per tag, and {@code blobs/sha256/} holding each config, an OCI manifest per
 * image and the uncompressed layer tars) that also carries the legacy {@code manifest.json} and {@code repositories},
 * whose paths point into {@code blobs/sha256/}. So OCI tools and every {@code docker load} since 1.10 read it. A blob
 * shared by several images is written once, and layer tars are the stored bytes, so their sha256 is the diff ID.
 *
 * @see <a href="https://github.com/moby/moby/blob/v25.0.0/image/tarexport/save.go">tarexport/save.go</a>
 */
final class ArchiveWriter {

	static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

	static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

	private static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";

	private static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";

	private static final String BLOBS = "blobs/sha256/";

	private final LayerStore layers;

	ArchiveWriter(LayerStore layers) {
		this.layers = layers;
	}

	void write(SavePlan plan, OutputStream out) throws IOException {
		TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
		tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
		tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
		Instant now = Instant.now();
		Set<String> written = new HashSet<>();
		directory(tar, "blobs/", now);
		directory(tar, BLOBS, now);
		List<Map<String, Object>> manifest = new ArrayList<>();
		List<Map<String, Object>> index = new ArrayList<>();
		Map<String, Map<String, String>> repositories = new TreeMap<>();
		for (SavePlan.Item item : plan.items()) {
			ConfigDocument config = ConfigDocument.parse(item.config());
			Instant created = config.created();
			List<Digest> diffIds = config.diffIds();
			List<Digest> chain = ChainIds.of(diffIds);
			List<String> layerPaths = new ArrayList<>();
			List<Map<String, Object>> layerDescriptors = new ArrayList<>();
			for (Digest diffId : diffIds) {
				layerPaths.add(BLOBS + diffId.hex());
				long size = this.layers.tarSize(diffId);
				layerDescriptors.add(descriptor(OCI_LAYER, diffId, size));
				if (written.add(diffId.hex())) {
					layerTar(tar, BLOBS + diffId.hex(), diffId, size, created);
				}
			}
			Digest configDigest = Digest.parse(item.id());
			if (written.add(configDigest.hex())) {
				file(tar, BLOBS + configDigest.hex(), item.config(), created);
			}
			Map<String, Object> ociManifest = new LinkedHashMap<>();
			ociManifest.put("schemaVersion", 2);
			ociManifest.put("mediaType", OCI_MANIFEST);
			ociManifest.put("config", descriptor(OCI_CONFIG, configDigest, item.config().length));
			ociManifest.put("layers", layerDescriptors);
			byte[] manifestBytes = ImageArchiveService.MAPPER.writeValueAsBytes(ociManifest);
			Digest manifestDigest = Digest.of(manifestBytes);
			if (written.add(manifestDigest.hex())) {
				file(tar, BLOBS + manifestDigest.hex(), manifestBytes, created);
			}
			if (item.tags().isEmpty()) {
				index.add(descriptor(OCI_MANIFEST, manifestDigest, manifestBytes.length));
			}
			for (String t : item.tags()) {
				ImageReference ref = ImageReference.parse(t);
				Map<String, Object> d = descriptor(OCI_MANIFEST, manifestDigest, manifestBytes.length);
				Map<String, String> annotations = new LinkedHashMap<>();
				annotations.put("io.containerd.image.name", ref.toString());
				annotations.put("org.opencontainers.image.ref.name", ref.tag());
				d.put("annotations", annotations);
				index.add(d);
			}
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("Config", BLOBS + configDigest.hex());
			entry.put("RepoTags", item.tags().isEmpty() ? null : item.tags());
			entry.put("Layers", layerPaths);
			manifest.add(entry);
			if (!chain.isEmpty()) {
				for (String t : item.tags()) {
					ImageReference ref = ImageReference.parse(t);
					repositories.computeIfAbsent(ref.familiarName(), (k) -> new TreeMap<>())
						.put(ref.tag(), chain.get(chain.size() - 1).hex());
				}
			}
		}
		Map<String, Object> indexDoc = new LinkedHashMap<>();
		indexDoc.put("schemaVersion", 2);
		indexDoc.put("mediaType", OCI_INDEX);
		indexDoc.put("manifests", index);
		file(tar, "index.json", ImageArchiveService.MAPPER.writeValueAsBytes(indexDoc), now);
		file(tar, "manifest.json", ImageArchiveService.MAPPER.writeValueAsBytes(manifest), now);
		file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8), now);
		if (!repositories.isEmpty()) {
			file(tar, "repositories", ImageArchiveService.MAPPER.writeValueAsBytes(repositories), now);
		}
		tar.finish();
		out.flush();
	}

	private static Map<String, Object> descriptor(String mediaType, Digest digest, long size) {
		Map<String, Object> d = new LinkedHashMap<>();
		d.put("mediaType", mediaType);
		d.put("digest", digest.value());
		d.put("size", size);
		return d;
	}

	private void layerTar(TarArchiveOutputStream tar, String name, Digest diffId, long size, Instant time)
			throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name);
		e.setMode(0644);
		e.setSize(size);
		e.setModTime(time.toEpochMilli());
		tar.putArchiveEntry(e);
		try (InputStream in = this.layers.openTar(diffId)) {
			in.transferTo(tar);
		}
		tar.closeArchiveEntry();
	}

	private static void directory(TarArchiveOutputStream tar, String name, Instant time) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name);
		e.setMode(0755);
		e.setModTime(time.toEpochMilli());
		tar.putArchiveEntry(e);
		tar.closeArchiveEntry();
	}

	private static void file(TarArchiveOutputStream tar, String name, byte[] data, Instant time) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name);
		e.setMode(0644);
		e.setSize(data.length);
		e.setModTime(time.toEpochMilli());
		tar.putArchiveEntry(e);
		tar.write(data);
		tar.closeArchiveEntry();
	}

}
