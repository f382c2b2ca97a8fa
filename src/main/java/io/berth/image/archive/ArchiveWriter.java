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
 * Writes the legacy docker-archive layout that dockerd 20.10 writes and every {@code docker load} reads:
 * {@code <chain-id>/layer.tar} (plus {@code VERSION} and a v1 {@code json}), {@code <config-hex>.json},
 * {@code manifest.json} and {@code repositories}. A layer shared by several images is written once.
 */
final class ArchiveWriter {

	private final LayerStore layers;

	ArchiveWriter(LayerStore layers) {
		this.layers = layers;
	}

	void write(SavePlan plan, OutputStream out) throws IOException {
		TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
		tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
		tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
		Set<String> written = new HashSet<>();
		List<Map<String, Object>> manifest = new ArrayList<>();
		Map<String, Map<String, String>> repositories = new TreeMap<>();
		for (SavePlan.Item item : plan.items()) {
			ConfigDocument config = ConfigDocument.parse(item.config());
			Instant created = config.created();
			List<Digest> diffIds = config.diffIds();
			List<Digest> chain = ChainIds.of(diffIds);
			List<String> layerPaths = new ArrayList<>();
			for (int i = 0; i < diffIds.size(); i++) {
				String dir = chain.get(i).hex();
				layerPaths.add(dir + "/layer.tar");
				if (written.add(dir)) {
					directory(tar, dir + "/", created);
					file(tar, dir + "/VERSION", "1.0".getBytes(StandardCharsets.UTF_8), created);
					file(tar, dir + "/json", v1Json(dir, (i > 0) ? chain.get(i - 1).hex() : null, created), created);
					layerTar(tar, dir + "/layer.tar", diffIds.get(i), created);
				}
			}
			String configName = Digest.parse(item.id()).hex() + ".json";
			if (written.add(configName)) {
				file(tar, configName, item.config(), created);
			}
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("Config", configName);
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
		Instant now = Instant.now();
		file(tar, "manifest.json", ImageArchiveService.MAPPER.writeValueAsBytes(manifest), now);
		if (!repositories.isEmpty()) {
			file(tar, "repositories", ImageArchiveService.MAPPER.writeValueAsBytes(repositories), now);
		}
		tar.finish();
		out.flush();
	}

	private void layerTar(TarArchiveOutputStream tar, String name, Digest diffId, Instant time) throws IOException {
		TarArchiveEntry e = new TarArchiveEntry(name);
		e.setMode(0644);
		e.setSize(this.layers.tarSize(diffId));
		e.setModTime(time.toEpochMilli());
		tar.putArchiveEntry(e);
		try (InputStream in = this.layers.openTar(diffId)) {
			in.transferTo(tar);
		}
		tar.closeArchiveEntry();
	}

	private static byte[] v1Json(String id, String parent, Instant created) {
		Map<String, Object> json = new LinkedHashMap<>();
		json.put("id", id);
		if (parent != null) {
			json.put("parent", parent);
		}
		json.put("created", Rfc3339.format(created));
		json.put("os", "linux");
		return ImageArchiveService.MAPPER.writeValueAsBytes(json);
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
