package io.berth.image;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.berth.content.BlobStore;
import io.berth.content.Digest;
import io.berth.error.InvalidParameterException;
import io.berth.image.layer.LayerStore;
import io.berth.image.layer.PendingLayer;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Service;

/**
 * The image feature's facade, in Docker's verbs: import, list, inspect, history, tag, remove, prune, and
 * {@link #resolve} for containers. Archives ({@code save}/{@code load}) live in {@code image.archive} and register
 * what they load through {@link #register}.
 */
@Service
public class ImageService implements ImageLookup, ImageInventory {

	private final ImageStore store;

	private final ImageRemover remover;

	private final LayerStore layers;

	private final BlobStore blobs;

	private final ImageProperties properties;

	private final ImageEvents events;

	ImageService(ImageStore store, ImageRemover remover, LayerStore layers, BlobStore blobs,
			ImageProperties properties, ImageEvents events) {
		this.store = store;
		this.remover = remover;
		this.layers = layers;
		this.blobs = blobs;
		this.properties = properties;
		this.events = events;
	}

	@Override
	public ResolvedImage resolve(String reference) {
		Image image = this.store.find(reference);
		List<Path> dirs = image.layers().stream().map(this.layers::directory).toList();
		return new ResolvedImage(image.id(), image.config().runConfig(), dirs);
	}

	@Override
	public int count() {
		return Math.toIntExact(this.store.count());
	}

	@Override
	public List<ImageSpace> space() {
		List<Image> all = this.store.all();
		Map<Digest, Integer> users = new HashMap<>();
		for (Image image : all) {
			new HashSet<>(image.layers()).forEach((d) -> users.merge(d, 1, Integer::sum));
		}
		Map<String, List<String>> tags = this.store.tagsByImage();
		List<ImageSpace> out = new ArrayList<>();
		for (Image image : all) {
			long shared = new HashSet<>(image.layers()).stream()
				.filter((d) -> users.get(d) > 1)
				.mapToLong(this.store::layerSize)
				.sum();
			out.add(new ImageSpace(image.id(), tags.getOrDefault(image.id(), List.of()),
					image.repoDigests().stream().sorted().toList(), image.created(), image.size(), shared,
					image.config().labels()));
		}
		out.sort(Comparator.comparing(ImageSpace::created).reversed());
		return out;
	}

	@Override
	public long layersSize() {
		Set<Digest> layers = new HashSet<>();
		this.store.all().forEach((i) -> layers.addAll(i.layers()));
		return layers.stream().mapToLong(this.store::layerSize).sum();
	}

	/**
	 * Lists images newest first.
	 * @throws ImageNotFoundException when a {@code before}/{@code since} image does not exist
	 */
	public List<ImageDetails> list(ImageFilter filter) {
		Map<String, List<String>> tags = this.store.tagsByImage();
		Instant before = (filter.before() != null) ? this.store.find(filter.before()).created() : null;
		Instant since = (filter.since() != null) ? this.store.find(filter.since()).created() : null;
		List<ImageDetails> out = new ArrayList<>();
		for (Image image : this.store.all()) {
			ImageDetails d = details(image, tags.getOrDefault(image.id(), List.of()));
			if (!filter.references().isEmpty()) {
				List<String> matching = d.repoTags()
					.stream()
					.filter((t) -> matchesAny(filter.references(), t))
					.toList();
				List<String> digests = d.repoDigests().stream()
					.filter((t) -> matchesAny(filter.references(), t))
					.toList();
				if (matching.isEmpty() && digests.isEmpty()) {
					continue;
				}
				d = new ImageDetails(d.id(), matching, digests, d.created(), d.size(), d.lastTagTime(), d.config());
			}
			if ((filter.dangling() != null && filter.dangling() != d.dangling())
					|| !labelsMatch(filter.labels(), d.config().labels())
					|| (before != null && !d.created().isBefore(before))
					|| (since != null && !d.created().isAfter(since))) {
				continue;
			}
			out.add(d);
		}
		out.sort(Comparator.comparing(ImageDetails::created).reversed());
		return out;
	}

	/**
	 * Inspects one image.
	 * @throws ImageNotFoundException with dockerd's {@code No such image: <ref>}
	 */
	public ImageDetails inspect(String reference) {
		Image image = this.store.find(reference);
		return details(image, this.store.tagsOf(image.id()));
	}

	/** The image's history, newest step first. */
	public List<ImageHistoryItem> history(String reference) {
		Image image = this.store.find(reference);
		ConfigDocument config = image.config();
		List<Digest> diffIds = image.layers();
		List<ImageHistoryItem> items = new ArrayList<>();
		List<ConfigDocument.HistoryEntry> history = config.history();
		int layer = 0;
		if (history.isEmpty()) {
			for (Digest d : diffIds) {
				items.add(new ImageHistoryItem("<missing>", image.created(), "", "", this.store.layerSize(d),
						List.of()));
			}
		}
		for (ConfigDocument.HistoryEntry h : history) {
			long size = 0;
			if (!h.emptyLayer() && layer < diffIds.size()) {
				size = this.store.layerSize(diffIds.get(layer++));
			}
			items.add(new ImageHistoryItem("<missing>", h.created(), h.createdBy(), h.comment(), size, List.of()));
		}
		Collections.reverse(items);
		if (!items.isEmpty()) {
			ImageHistoryItem top = items.get(0);
			items.set(0, new ImageHistoryItem(image.id(), top.created(), top.createdBy(), top.comment(), top.size(),
					this.store.tagsOf(image.id())));
		}
		return items;
	}

	/**
	 * Imports a root filesystem tarball (plain, gzip or bzip2) as a one-layer image, as {@code docker import} does.
	 * @param repository {@code name[:tag]} to tag the image with, or empty for none
	 * @param tag a tag overriding the one in {@code repository}, or empty
	 * @param changes Dockerfile instructions applied to the config
	 * @param message the commit message; empty gives {@code Imported from -}
	 * @return the new image's ID
	 * @throws InvalidParameterException for a bad reference, change or layer
	 */
	public String importImage(InputStream tarball, String repository, String tag, List<String> changes,
			String message) {
		List<ImageReference> refs = importTags(repository, tag);
		ObjectNode runConfig = ImageConfigs.importRunConfig(changes);
		try (PendingLayer layer = this.layers.unpack(tarball, this.properties.maxLayerSize().toBytes())) {
			String comment = (message == null || message.isEmpty()) ? "Imported from -" : message;
			byte[] config = ImageConfigs.importConfig(runConfig, layer.diffId(), Instant.now(), comment);
			return register(config, List.of(layer), refs, "import").id();
		}
	}

	/**
	 * Checks an import's reference and changes, so a request that would fail does not fetch its tarball first.
	 * @throws InvalidParameterException for a bad reference or change
	 */
	public void checkImport(String repository, String tag, List<String> changes) {
		importTags(repository, tag);
		ImageConfigs.importRunConfig(changes);
	}

	private static List<ImageReference> importTags(String repository, String tag) {
		if (repository == null || repository.isEmpty()) {
			return List.of();
		}
		ImageReference ref = ImageReference.parse(repository);
		if (ref.hasDigest()) {
			throw new InvalidParameterException("cannot import digest reference");
		}
		return List.of(((tag != null && !tag.isEmpty()) ? ref.withTag(tag) : ref).withDefaultTag());
	}

	/**
	 * Registers an image whose config and layers are at hand: the new layers are installed, the config stored, and
	 * the tags pointed at it (taken from other images if they had them). Publishes {@code action} (unless null, as for
	 * a commit, which dockerd reports as a container event) and {@code tag}.
	 * @param layers layers unpacked for this image; the others the config lists must be stored already
	 */
	public RegisteredImage register(byte[] config, List<PendingLayer> layers, List<ImageReference> tags,
			String action) {
		return register(config, layers, tags, List.of(), action);
	}

	/**
	 * Registers a pulled image as {@link #register(byte[], List, List, String)} does, also recording the
	 * {@code name@digest} of the manifest it came from, as {@code RepoDigests} shows.
	 */
	public RegisteredImage register(byte[] config, List<PendingLayer> layers, List<ImageReference> tags,
			List<ImageReference> repoDigests, String action) {
		int count = ConfigDocument.parse(config).diffIds().size();
		if (count > this.properties.maxLayers()) {
			throw new InvalidParameterException(
					"image has " + count + " layers, more than the maximum of " + this.properties.maxLayers());
		}
		ImageStore.Registered r = this.store.register(config, layers, tags, repoDigests);
		Map<String, String> labels = ConfigDocument.parse(config).labels();
		for (ImageReference ref : tags) {
			this.events.publish("tag", r.id(), ref.familiarString(), labels);
		}
		if (action != null) {
			this.events.publish(action, r.id(), r.id(), labels);
		}
		return new RegisteredImage(r.id(), tags.stream().map(ImageReference::familiarString).toList(),
				r.movedTags());
	}

	/**
	 * Publishes a registry event ({@code pull}, {@code push}) as dockerd does: the actor is the reference, not the
	 * image ID, and {@code name} is its repository.
	 */
	public void announce(String action, ImageReference ref, String imageId) {
		Map<String, String> labels = this.store.byId(imageId).map((i) -> i.config().labels()).orElse(Map.of());
		this.events.publish(action, ref.familiarString(), ref.repository().familiarName(), labels);
	}

	/** Whether a layer is already stored, so a loader need not unpack it again. */
	public boolean hasLayer(Digest diffId) {
		return this.layers.contains(diffId);
	}

	/** The exact config bytes, whose sha256 is the ID. */
	public byte[] configBytes(String imageId) {
		Digest id = Digest.parse(imageId);
		if (this.blobs.contains(id)) {
			return this.blobs.read(id);
		}
		return this.store.byId(imageId)
			.orElseThrow(() -> new ImageNotFoundException(imageId))
			.configText()
			.getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

	/** The familiar {@code name:tag} references of one repository, sorted. */
	public List<String> tagsInRepository(ImageReference repository) {
		String name = repository.familiarName();
		return this.store.tagsByImage().values().stream().flatMap(List::stream)
			.filter((t) -> ImageReference.parse(t).familiarName().equals(name))
			.sorted()
			.toList();
	}

	/**
	 * Tags an image as {@code repository[:tag]}; the tag defaults to latest and moves if another image had it.
	 * @throws ImageNotFoundException when the source does not exist
	 * @throws InvalidReferenceException when the new name is not valid
	 */
	public void tag(String source, String repository, String tag) {
		ImageReference ref = ImageReference.parse(repository);
		if (ref.hasDigest()) {
			throw new InvalidParameterException("refusing to create a tag with a digest reference");
		}
		ImageReference target = ((tag != null && !tag.isEmpty()) ? ref.withTag(tag) : ref).withDefaultTag();
		Image image = this.store.locked(() -> {
			Image img = this.store.find(source);
			this.store.inTransaction(() -> this.store.tag(target, img, Instant.now()));
			return img;
		});
		this.events.publish("tag", image.id(), target.familiarString(), image.config().labels());
	}

	/**
	 * Removes a reference or an image, as {@code docker rmi} does.
	 * @throws ImageNotFoundException when nothing matches
	 * @throws ImageInUseException when a container uses the image, or other references would have to go too
	 */
	public List<ImageRemoval> remove(String reference, boolean force) {
		return this.remover.remove(reference, force);
	}

	/**
	 * Removes dangling images, or with {@code danglingOnly=false} every image no container uses.
	 * @param filter further condition on each candidate (labels, age)
	 */
	public ImagePruneReport prune(boolean danglingOnly, Predicate<ImageDetails> filter) {
		Map<String, List<String>> tags = this.store.tagsByImage();
		return this.remover.prune(danglingOnly, filter,
				(image) -> details(image, tags.getOrDefault(image.id(), List.of())));
	}

	private ImageDetails details(Image image, List<String> tags) {
		List<String> digests = image.repoDigests().stream().sorted().toList();
		return new ImageDetails(image.id(), tags, digests, image.created(), image.size(), image.lastTagTime(),
				image.config());
	}

	/** Whether labels carry every {@code key} or {@code key=value} asked for. */
	public static boolean labelsMatch(List<String> wanted, Map<String, String> labels) {
		for (String w : wanted) {
			int eq = w.indexOf('=');
			if (eq < 0 ? !labels.containsKey(w) : !w.substring(eq + 1).equals(labels.get(w.substring(0, eq)))) {
				return false;
			}
		}
		return true;
	}

	/** Docker's reference filter: a glob on {@code name:tag}, or on the name alone when it has no tag. */
	static boolean matchesAny(List<String> patterns, String reference) {
		for (String pattern : patterns) {
			if (glob(pattern).matcher(reference).matches()) {
				return true;
			}
			if (!pattern.contains(":") && !pattern.contains("@")) {
				int cut = Math.max(reference.lastIndexOf(':'), reference.lastIndexOf('@'));
				if (cut > reference.lastIndexOf('/') && glob(pattern).matcher(reference.substring(0, cut)).matches()) {
					return true;
				}
			}
		}
		return false;
	}

	private static Pattern glob(String pattern) {
		StringBuilder re = new StringBuilder();
		for (char c : pattern.toCharArray()) {
			switch (c) {
				case '*' -> re.append("[^/]*");
				case '?' -> re.append("[^/]");
				default -> re.append(Pattern.quote(String.valueOf(c)));
			}
		}
		return Pattern.compile(re.toString());
	}

}
