package io.berth.image;

import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.berth.content.BlobStore;
import io.berth.content.Digest;
import io.berth.error.SystemException;
import io.berth.image.layer.Layer;
import io.berth.image.layer.LayerStore;
import io.berth.image.layer.PendingLayer;

import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Images, tags and their layers as one consistent store. Files are written before rows and removed after them, every
 * change runs under one lock so a removal cannot race a registration for a shared layer, and rows change in one
 * transaction.
 */
@Component
class ImageStore {

	private static final Pattern HEX64 = Pattern.compile("^[a-f0-9]{64}$");

	private static final Pattern HEX_PREFIX = Pattern.compile("^[a-f0-9]{1,64}$");

	private final ImageRepository images;

	private final ImageTagRepository tags;

	private final LayerStore layers;

	private final BlobStore blobs;

	private final TransactionTemplate tx;

	private final ReentrantLock lock = new ReentrantLock();

	ImageStore(ImageRepository images, ImageTagRepository tags, LayerStore layers, BlobStore blobs,
			PlatformTransactionManager transactions) {
		this.images = images;
		this.tags = tags;
		this.layers = layers;
		this.blobs = blobs;
		this.tx = new TransactionTemplate(transactions);
	}

	/** The result of registering an image: its ID, and the tags taken from other images with their former IDs. */
	record Registered(String id, Map<String, String> movedTags) {
	}

	/**
	 * Finds the image a reference names, in dockerd's order: a {@code sha256:} ID or prefix, a 64-hex ID, a name
	 * (tag defaults to latest), {@code name@digest}, then a unique hex ID prefix.
	 * @throws ImageNotFoundException when nothing, or more than one image, matches
	 */
	Image find(String text) {
		return lookup(text).orElseThrow(() -> new ImageNotFoundException(notFoundName(text)));
	}

	Optional<Image> lookup(String text) {
		if (text == null || text.isEmpty()) {
			return Optional.empty();
		}
		if (text.startsWith("sha256:")) {
			String hex = text.substring("sha256:".length());
			return HEX_PREFIX.matcher(hex).matches() ? byIdPrefix(hex) : Optional.empty();
		}
		if (HEX64.matcher(text).matches()) {
			return this.images.findById("sha256:" + text);
		}
		if (ImageReference.isValid(text)) {
			ImageReference ref = ImageReference.parse(text);
			if (ref.hasDigest()) {
				List<Image> byDigest = this.images
					.findByRepoDigest(ref.repository().familiarName() + "@" + ref.digest());
				return byDigest.isEmpty() ? this.images.findById(ref.digest().value())
						: Optional.of(byDigest.get(0));
			}
			Optional<ImageTag> tag = this.tags.findById(ref.withDefaultTag().familiarString());
			if (tag.isPresent()) {
				return this.images.findById(tag.get().imageId());
			}
		}
		return HEX_PREFIX.matcher(text).matches() ? byIdPrefix(text) : Optional.empty();
	}

	private Optional<Image> byIdPrefix(String hex) {
		List<Image> matches = this.images.findByIdStartingWith("sha256:" + hex);
		return (matches.size() == 1) ? Optional.of(matches.get(0)) : Optional.empty();
	}

	/** How dockerd names a missing image: a name gets its default tag, anything else is echoed. */
	static String notFoundName(String text) {
		if (text != null && ImageReference.isValid(text)) {
			ImageReference ref = ImageReference.parse(text);
			return ref.hasDigest() ? ref.familiarString() : ref.withDefaultTag().familiarString();
		}
		return text;
	}

	List<Image> all() {
		return this.images.findAll();
	}

	long count() {
		return this.images.count();
	}

	Optional<Image> byId(String id) {
		return this.images.findById(id);
	}

	/** Every tag, grouped by image ID, each group sorted. */
	Map<String, List<String>> tagsByImage() {
		Map<String, List<String>> out = new HashMap<>();
		for (ImageTag t : this.tags.findAll()) {
			out.computeIfAbsent(t.imageId(), (k) -> new ArrayList<>()).add(t.reference());
		}
		out.values().forEach((l) -> l.sort(null));
		return out;
	}

	List<String> tagsOf(String imageId) {
		List<String> out = new ArrayList<>(this.tags.findByImageId(imageId).stream().map(ImageTag::reference).toList());
		out.sort(null);
		return out;
	}

	long layerSize(Digest diffId) {
		return this.layers.find(diffId).map(Layer::size).orElse(0L);
	}

	/** Runs an action under the store's lock, so it sees and leaves a consistent store. */
	<T> T locked(Supplier<T> action) {
		this.lock.lock();
		try {
			return action.get();
		}
		finally {
			this.lock.unlock();
		}
	}

	<T> T inTransaction(Supplier<T> action) {
		return this.tx.execute((status) -> action.get());
	}

	/**
	 * Registers an image: the config blob and new layers go to disk first, then the image, layer and tag rows in one
	 * transaction. Layers the config lists that are not among {@code pending} must already be stored.
	 * {@code repoDigests} are {@code name@digest} references of the manifest the image came from.
	 */
	Registered register(byte[] config, List<PendingLayer> pending, List<ImageReference> newTags,
			List<ImageReference> repoDigests) {
		ConfigDocument doc = ConfigDocument.parse(config);
		List<Digest> diffIds = doc.diffIds();
		Digest id = Digest.of(config);
		return locked(() -> {
			List<Digest> installed = new ArrayList<>();
			try {
				this.blobs.put(config);
				for (PendingLayer p : pending) {
					this.layers.install(p);
					installed.add(p.diffId());
				}
				for (Digest d : diffIds) {
					if (!Files.isDirectory(this.layers.directory(d))) {
						throw new SystemException("layer " + d + " of image " + id + " is not in the layer store");
					}
				}
				return inTransaction(() -> {
					pending.forEach(this.layers::record);
					long size = 0;
					for (Digest d : diffIds) {
						size += this.layers.find(d)
							.orElseThrow(() -> new SystemException("layer " + d + " has no record"))
							.size();
					}
					long total = size;
					Image image = this.images.findById(id.value())
						.orElseGet(() -> this.images.save(new Image(id, config, doc.created(), total, diffIds)));
					for (ImageReference ref : repoDigests) {
						image.addRepoDigest(ref.repository().familiarName() + "@" + ref.digest());
					}
					Map<String, String> moved = new LinkedHashMap<>();
					Instant now = Instant.now();
					for (ImageReference ref : newTags) {
						tag(ref, image, now).ifPresent((previous) -> moved.put(ref.familiarString(), previous));
					}
					return new Registered(id.value(), moved);
				});
			}
			catch (RuntimeException ex) {
				this.layers.deleteIfUnrecorded(installed);
				throw ex;
			}
		});
	}

	/** Points a tag at an image inside the caller's transaction; returns the image it named before, if another. */
	Optional<String> tag(ImageReference ref, Image image, Instant now) {
		Optional<ImageTag> existing = this.tags.findById(ref.familiarString());
		Optional<String> previous = existing.map(ImageTag::imageId).filter((p) -> !p.equals(image.id()));
		if (existing.isPresent()) {
			existing.get().pointTo(image.id(), now);
		}
		else {
			this.tags.save(new ImageTag(ref, image.id(), now));
		}
		this.images.findById(image.id()).ifPresent((i) -> i.tagged(now));
		return previous;
	}

	/** Removes one tag or repo digest inside the caller's transaction; returns whether it existed. */
	boolean untag(ImageReference ref, String imageId) {
		if (ref.hasDigest()) {
			String key = ref.repository().familiarName() + "@" + ref.digest();
			Optional<Image> image = this.images.findById(imageId);
			if (image.isPresent() && image.get().repoDigests().contains(key)) {
				image.get().removeRepoDigest(key);
				return true;
			}
			return false;
		}
		Optional<ImageTag> tag = this.tags.findById(ref.familiarString()).filter((t) -> t.imageId().equals(imageId));
		tag.ifPresent(this.tags::delete);
		return tag.isPresent();
	}

	/**
	 * Deletes an image that has no references left: its row and the rows of layers no other image lists, in one
	 * transaction, then their files. Call under the lock.
	 * @return the layers freed, top first, with their sizes
	 */
	Map<Digest, Long> delete(String imageId) {
		Map<Digest, Long> freed = inTransaction(() -> {
			Image image = this.images.findById(imageId).orElseThrow(() -> new ImageNotFoundException(imageId));
			List<Digest> layerIds = image.layers();
			this.tags.deleteAll(this.tags.findByImageId(imageId));
			this.images.delete(image);
			this.images.flush();
			Map<Digest, Long> out = new LinkedHashMap<>();
			for (int i = layerIds.size() - 1; i >= 0; i--) {
				Digest d = layerIds.get(i);
				if (!out.containsKey(d) && this.images.countUsingLayer(d.value()) == 0) {
					out.put(d, layerSize(d));
					this.layers.forget(d);
				}
			}
			return out;
		});
		this.blobs.delete(Digest.parse(imageId));
		freed.keySet().forEach(this.layers::delete);
		return freed;
	}

}
