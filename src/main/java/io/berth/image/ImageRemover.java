package io.berth.image;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

import io.berth.content.Digest;
import io.berth.image.layer.ChainIds;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code docker rmi} and {@code docker image prune} with dockerd's rules: a name removes that reference and deletes
 * the image only with its last one; an ID removes the image with its references when they all belong to one
 * repository. An image a container uses is never deleted, because its layers are the container's lowerdirs.
 *
 * @see <a href="https://github.com/moby/moby/blob/v20.10.24/daemon/images/image_delete.go">image_delete.go</a>
 */
@Component
class ImageRemover {

	private final ImageStore store;

	private final ObjectProvider<ImageUsage> usage;

	private final ImageEvents events;

	ImageRemover(ImageStore store, ObjectProvider<ImageUsage> usage, ImageEvents events) {
		this.store = store;
		this.usage = usage;
		this.events = events;
	}

	List<ImageRemoval> remove(String text, boolean force) {
		return this.store.locked(() -> {
			Image image = this.store.find(text);
			String id = image.id();
			Map<String, String> labels = image.config().labels();
			List<ImageReference> refs = references(id);
			List<ImageRemoval> records = new ArrayList<>();
			boolean removedRepositoryRef = false;
			if (!isIdPrefix(id, text)) {
				ImageReference parsed = ImageReference.parse(text);
				ImageReference ref = parsed.hasDigest() ? parsed : parsed.withDefaultTag();
				if (!force && isSingleReference(refs)) {
					Optional<String> user = containerUsing(id);
					if (user.isPresent()) {
						throw new ImageInUseException("conflict: unable to remove repository reference \"" + text
								+ "\" (must force) - container " + shortId(user.get())
								+ " is using its referenced image " + shortId(id));
					}
				}
				if (!untag(ref, id, labels, records)) {
					throw new ImageNotFoundException(ImageStore.notFoundName(text));
				}
				refs = references(id);
				if (!ref.hasDigest() && refs.stream().noneMatch((r) -> !r.hasDigest() && r.name().equals(ref.name()))) {
					// Digest references of the repository go with its last tag, as in dockerd.
					for (ImageReference r : List.copyOf(refs)) {
						if (r.hasDigest() && r.name().equals(ref.name())) {
							untag(r, id, labels, records);
						}
					}
					refs = references(id);
				}
				if (!refs.isEmpty()) {
					return records;
				}
				removedRepositoryRef = true;
			}
			else if (isSingleReference(refs)) {
				Optional<String> user = containerUsing(id);
				if (user.isPresent()) {
					throw inUse(id, user.get());
				}
				for (ImageReference r : refs) {
					untag(r, id, labels, records);
				}
			}
			delete(id, labels, records, force, removedRepositoryRef);
			return records;
		});
	}

	ImagePruneReport prune(boolean danglingOnly, Predicate<ImageDetails> filter,
			Function<Image, ImageDetails> details) {
		return this.store.locked(() -> {
			List<ImageRemoval> records = new ArrayList<>();
			long reclaimed = 0;
			for (Image image : this.store.all()) {
				String id = image.id();
				List<ImageReference> refs = references(id);
				if ((danglingOnly && !refs.isEmpty()) || containerUsing(id).isPresent()
						|| !filter.test(details.apply(image))) {
					continue;
				}
				Map<String, String> labels = image.config().labels();
				for (ImageReference r : refs) {
					untag(r, id, labels, records);
				}
				reclaimed += deleteNow(id, image.layers(), labels, records);
			}
			return new ImagePruneReport(records, reclaimed);
		});
	}

	private void delete(String id, Map<String, String> labels, List<ImageRemoval> records, boolean force,
			boolean quiet) {
		Optional<String> user = containerUsing(id);
		if (user.isPresent()) {
			if (quiet) {
				// The last name is gone but a container still runs from it: it stays, dangling, as in dockerd.
				return;
			}
			throw inUse(id, user.get());
		}
		List<ImageReference> refs = references(id);
		if (!refs.isEmpty() && !force) {
			throw new ImageInUseException("conflict: unable to delete " + shortId(id)
					+ " (must be forced) - image is referenced in multiple repositories");
		}
		for (ImageReference r : refs) {
			untag(r, id, labels, records);
		}
		Image image = this.store.byId(id).orElseThrow(() -> new ImageNotFoundException(id));
		deleteNow(id, image.layers(), labels, records);
	}

	/** Deletes an unreferenced image and reports it and its freed layers by chain ID, as dockerd lists them. */
	private long deleteNow(String id, List<Digest> diffIds, Map<String, String> labels, List<ImageRemoval> records) {
		Map<Digest, Long> freed = this.store.delete(id);
		records.add(ImageRemoval.deleted(id));
		this.events.publish("delete", id, id, labels);
		List<Digest> chain = ChainIds.of(diffIds);
		long reclaimed = 0;
		for (Map.Entry<Digest, Long> layer : freed.entrySet()) {
			records.add(ImageRemoval.deleted(chain.get(diffIds.indexOf(layer.getKey())).value()));
			reclaimed += layer.getValue();
		}
		return reclaimed;
	}

	private boolean untag(ImageReference ref, String id, Map<String, String> labels, List<ImageRemoval> records) {
		boolean removed = this.store.inTransaction(() -> this.store.untag(ref, id));
		if (removed) {
			records.add(ImageRemoval.untagged(ref.familiarString()));
			this.events.publish("untag", id, id, labels);
		}
		return removed;
	}

	private List<ImageReference> references(String id) {
		List<ImageReference> refs = new ArrayList<>();
		this.store.tagsOf(id).forEach((t) -> refs.add(ImageReference.parse(t)));
		this.store.byId(id).ifPresent((i) -> i.repoDigests().stream().sorted()
			.forEach((d) -> refs.add(ImageReference.parse(d))));
		return refs;
	}

	private Optional<String> containerUsing(String id) {
		ImageUsage u = this.usage.getIfAvailable();
		return (u != null) ? u.containerUsing(id) : Optional.empty();
	}

	/**
	 * Forcing cannot help: dockerd may delete an image under a stopped container because its layers are reference
	 * counted, but here they are the container's lowerdirs.
	 */
	private static ImageInUseException inUse(String id, String containerId) {
		return new ImageInUseException("conflict: unable to delete " + shortId(id)
				+ " (cannot be forced) - image is being used by container " + shortId(containerId));
	}

	/** True when all references are in one repository and at most one is a tag; false for none. */
	static boolean isSingleReference(List<ImageReference> refs) {
		if (refs.size() <= 1) {
			return refs.size() == 1;
		}
		ImageReference single = null;
		Map<String, Boolean> digestRepos = new HashMap<>();
		for (ImageReference r : refs) {
			if (r.hasDigest()) {
				digestRepos.put(r.name(), true);
			}
			else if (single == null) {
				single = r;
			}
			else {
				return false;
			}
		}
		if (single == null) {
			single = refs.get(0);
		}
		return digestRepos.size() == 1 && digestRepos.containsKey(single.name());
	}

	static boolean isIdPrefix(String id, String text) {
		return id.startsWith(text) || id.substring("sha256:".length()).startsWith(text);
	}

	static String shortId(String id) {
		String hex = id.startsWith("sha256:") ? id.substring("sha256:".length()) : id;
		return hex.substring(0, Math.min(12, hex.length()));
	}

}
