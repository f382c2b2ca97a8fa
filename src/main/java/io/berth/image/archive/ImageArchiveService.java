package io.berth.image.archive;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.berth.content.Digest;
import io.berth.error.InvalidParameterException;
import io.berth.events.EventPublisher;
import io.berth.image.ConfigDocument;
import io.berth.image.ImageDetails;
import io.berth.image.ImageNotFoundException;
import io.berth.image.ImageProperties;
import io.berth.image.ImageReference;
import io.berth.image.ImageService;
import io.berth.image.RegisteredImage;
import io.berth.image.layer.LayerStore;
import io.berth.image.layer.PendingLayer;
import io.berth.paths.EnginePaths;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * {@code docker load} and {@code docker save}. Load reads docker-archive tarballs (legacy and moby 25's OCI-plus-legacy
 * layout, through manifest.json) and plain OCI image layouts (index.json), checking every layer against the config's
 * diff IDs and every OCI blob against its descriptor. Save writes both: an OCI layout that carries the legacy
 * manifest.json, as moby 25 does.
 *
 * @see <a href="https://github.com/moby/moby/tree/v28.2.2/image/tarexport">moby image/tarexport</a>
 */
@Service
public class ImageArchiveService {

	/** containerd refuses archive JSON documents above a similar size. */
	private static final long MAX_JSON = 20L * 1024 * 1024;

	private static final Set<String> OCI_MANIFESTS = Set.of("application/vnd.oci.image.manifest.v1+json",
			"application/vnd.docker.distribution.manifest.v2+json");

	private static final Set<String> OCI_INDEXES = Set.of("application/vnd.oci.image.index.v1+json",
			"application/vnd.docker.distribution.manifest.list.v2+json");

	static final JsonMapper MAPPER = JsonMapper.builder().build();

	private final ImageService images;

	private final LayerStore layers;

	private final EnginePaths paths;

	private final ImageProperties properties;

	private final ObjectProvider<EventPublisher> events;

	ImageArchiveService(ImageService images, LayerStore layers, EnginePaths paths, ImageProperties properties,
			ObjectProvider<EventPublisher> events) {
		this.images = images;
		this.layers = layers;
		this.paths = paths;
		this.properties = properties;
		this.events = events;
	}

	/**
	 * Loads every image of an archive (plain, gzip or bzip2).
	 * @return the progress lines dockerd prints: {@code Loaded image: <ref>} per tag, {@code Loaded image ID: <id>}
	 * for an image without one
	 * @throws InvalidParameterException when the archive or one of its layers is refused; nothing is registered for
	 * the image that failed
	 */
	public List<String> load(InputStream archive) {
		InputStream tar;
		try {
			tar = io.berth.image.layer.Compression.decompress(archive);
		}
		catch (IOException ex) {
			throw new InvalidParameterException("invalid archive: " + ex.getMessage());
		}
		try (ArchiveSpool spool = ArchiveSpool.read(tar, this.paths.tmp(),
				this.properties.maxArchiveSize().toBytes())) {
			List<String> out = new ArrayList<>();
			if (spool.has("manifest.json")) {
				for (JsonNode item : json(spool.read("manifest.json", MAX_JSON), "manifest.json")) {
					List<String> layerPaths = new ArrayList<>();
					item.path("Layers").forEach((l) -> layerPaths.add(l.asString()));
					List<String> tags = new ArrayList<>();
					item.path("RepoTags").forEach((t) -> tags.add(t.asString()));
					byte[] config = spool.read(item.path("Config").asString(""), MAX_JSON);
					out.addAll(loadImage(spool, config, layerPaths, List.of(), tags));
				}
			}
			else if (spool.has("index.json")) {
				loadIndex(spool, json(spool.read("index.json", MAX_JSON), "index.json"), null, out);
			}
			else {
				throw new InvalidParameterException("invalid archive: neither manifest.json nor index.json found");
			}
			return out;
		}
	}

	private void loadIndex(ArchiveSpool spool, JsonNode index, String inheritedName, List<String> out) {
		for (JsonNode desc : index.path("manifests")) {
			String mediaType = desc.path("mediaType").asString("");
			JsonNode platform = desc.path("platform");
			if (platform.isObject() && !(platform.path("os").asString("linux").equals("linux")
					&& platform.path("architecture").asString("amd64").equals("amd64"))) {
				continue;
			}
			String name = desc.path("annotations").path("io.containerd.image.name").asString("");
			if (name.isEmpty()) {
				String refName = desc.path("annotations").path("org.opencontainers.image.ref.name").asString("");
				// A bare tag (the OCI default) names no repository, so only a full reference is a tag here.
				name = (refName.contains(":") || refName.contains("/")) ? refName : "";
			}
			if (name.isEmpty()) {
				name = inheritedName;
			}
			byte[] doc = blob(spool, desc);
			if (OCI_INDEXES.contains(mediaType)) {
				loadIndex(spool, json(doc, "index"), name, out);
				continue;
			}
			if (!OCI_MANIFESTS.contains(mediaType) && !mediaType.isEmpty()) {
				continue;
			}
			JsonNode manifest = json(doc, "manifest");
			byte[] config = blob(spool, manifest.path("config"));
			List<String> layerPaths = new ArrayList<>();
			List<String> layerDigests = new ArrayList<>();
			for (JsonNode layer : manifest.path("layers")) {
				String digest = layer.path("digest").asString("");
				layerPaths.add(blobPath(digest));
				layerDigests.add(digest);
			}
			out.addAll(loadImage(spool, config, layerPaths, layerDigests, (name != null && !name.isEmpty())
					? List.of(name) : List.of()));
		}
	}

	/** Unpacks the layers the store lacks, checks them against the config, then registers the image and tags. */
	private List<String> loadImage(ArchiveSpool spool, byte[] config, List<String> layerPaths,
			List<String> layerDigests, List<String> tagTexts) {
		ConfigDocument doc = ConfigDocument.parse(config);
		List<Digest> diffIds = doc.diffIds();
		if (diffIds.size() != layerPaths.size()) {
			throw new InvalidParameterException("invalid manifest, layers length mismatch: expected "
					+ layerPaths.size() + ", got " + diffIds.size());
		}
		List<ImageReference> tags = new ArrayList<>();
		for (String t : tagTexts) {
			ImageReference ref = ImageReference.parse(t);
			tags.add(ref.hasDigest() ? ref : ref.withDefaultTag());
		}
		List<PendingLayer> pending = new ArrayList<>();
		try {
			for (int i = 0; i < diffIds.size(); i++) {
				Digest expected = diffIds.get(i);
				if (this.images.hasLayer(expected) || pending.stream().anyMatch((p) -> p.diffId().equals(expected))) {
					continue;
				}
				pending.add(unpack(spool, layerPaths.get(i), layerDigests.isEmpty() ? null : layerDigests.get(i),
						expected, i));
			}
			RegisteredImage r = this.images.register(config, pending, tags, "load");
			List<String> out = new ArrayList<>();
			r.movedTags().forEach((tag, previous) -> out.add("The image " + tag
					+ " already exists, renaming the old one with ID " + previous + " to empty string\n"));
			if (r.tags().isEmpty()) {
				out.add("Loaded image ID: " + r.id() + "\n");
			}
			r.tags().forEach((t) -> out.add("Loaded image: " + t + "\n"));
			return out;
		}
		finally {
			pending.forEach(PendingLayer::close);
		}
	}

	private PendingLayer unpack(ArchiveSpool spool, String path, String blobDigest, Digest expected, int index) {
		MessageDigest sha256 = sha256();
		try (InputStream raw = spool.open(path); DigestInputStream in = new DigestInputStream(raw, sha256)) {
			PendingLayer layer = this.layers.unpack(in, this.properties.maxLayerSize().toBytes());
			in.transferTo(OutputStream.nullOutputStream());
			if (!layer.diffId().equals(expected)) {
				layer.close();
				throw new InvalidParameterException("invalid diffID for layer " + index + ": expected \"" + expected
						+ "\", got \"" + layer.diffId() + "\"");
			}
			String actual = "sha256:" + HexFormat.of().formatHex(sha256.digest());
			if (blobDigest != null && !blobDigest.equals(actual)) {
				layer.close();
				throw new InvalidParameterException("filesystem layer verification failed for digest " + blobDigest);
			}
			return layer;
		}
		catch (IOException ex) {
			throw new InvalidParameterException("invalid archive: cannot read " + path + ": " + ex.getMessage());
		}
	}

	/** An OCI blob named by a descriptor, checked against its digest before it is trusted. */
	private static byte[] blob(ArchiveSpool spool, JsonNode descriptor) {
		String digest = descriptor.path("digest").asString("");
		byte[] data = spool.read(blobPath(digest), MAX_JSON);
		if (!Digest.of(data).value().equals(digest)) {
			throw new InvalidParameterException("invalid archive: blob " + digest + " does not match its digest");
		}
		return data;
	}

	private static String blobPath(String digest) {
		if (!Digest.isDigest(digest)) {
			throw new InvalidParameterException("invalid archive: unsupported digest " + digest);
		}
		return "blobs/sha256/" + Digest.parse(digest).hex();
	}

	private static JsonNode json(byte[] data, String what) {
		try {
			return MAPPER.readTree(data);
		}
		catch (JacksonException ex) {
			throw new InvalidParameterException(
					"invalid archive: " + what + " is not JSON: " + ex.getOriginalMessage());
		}
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Resolves what {@code docker save} names, before anything is written: a bare repository name takes all its
	 * tags, {@code name:tag} that tag, and an ID the image without tags.
	 * @throws ImageNotFoundException for a name that matches nothing
	 */
	public SavePlan planSave(List<String> names) {
		Map<String, List<String>> byImage = new LinkedHashMap<>();
		for (String name : names) {
			if (ImageReference.isValid(name)) {
				ImageReference ref = ImageReference.parse(name);
				if (!ref.hasTag() && !ref.hasDigest()) {
					List<String> tags = this.images.tagsInRepository(ref);
					if (!tags.isEmpty()) {
						for (String t : tags) {
							byImage.computeIfAbsent(this.images.inspect(t).id(), (k) -> new ArrayList<>()).add(t);
						}
						continue;
					}
				}
				else if (!ref.hasDigest()) {
					ImageDetails d = this.images.inspect(name);
					List<String> tags = byImage.computeIfAbsent(d.id(), (k) -> new ArrayList<>());
					if (!tags.contains(ref.familiarString())) {
						tags.add(ref.familiarString());
					}
					continue;
				}
			}
			byImage.computeIfAbsent(this.images.inspect(name).id(), (k) -> new ArrayList<>());
		}
		List<SavePlan.Item> items = new ArrayList<>();
		byImage.forEach((id, tags) -> items.add(new SavePlan.Item(id, this.images.configBytes(id), tags)));
		return new SavePlan(items);
	}

	/** Writes the planned images as one archive (OCI layout plus manifest.json) and publishes a save event for each. */
	public void save(SavePlan plan, OutputStream out) throws IOException {
		new ArchiveWriter(this.layers).write(plan, out);
		for (SavePlan.Item item : plan.items()) {
			this.events.ifAvailable((p) -> p.publish("image", "save", item.id(), Map.of("name", item.id())));
		}
	}

}
