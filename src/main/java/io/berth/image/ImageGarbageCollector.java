package io.berth.image;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import io.berth.content.BlobStore;
import io.berth.content.Digest;
import io.berth.paths.EnginePaths;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Removes blobs nobody references, once at start-up, before the API takes requests. Image removal deletes the blobs
 * it frees as it goes, but a crash between a removal's transaction and its file deletions, or during a pull or load,
 * leaves blobs behind that nothing would ever remove. (Layer directories without a row are removed by the layer store
 * when it starts.) A blob is kept when it is an image's config, a layer's tar, or named by a {@link BlobReferences}.
 */
@Component
class ImageGarbageCollector implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(ImageGarbageCollector.class);

	private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");

	private final ImageStore store;

	private final BlobStore blobs;

	private final ObjectProvider<BlobReferences> others;

	private final Path root;

	ImageGarbageCollector(ImageStore store, BlobStore blobs, ObjectProvider<BlobReferences> others,
			EnginePaths paths) {
		this.store = store;
		this.blobs = blobs;
		this.others = others;
		this.root = paths.blobs().resolve("sha256");
	}

	@Override
	public void afterSingletonsInstantiated() {
		sweep();
	}

	/**
	 * Removes every unreferenced blob under the store's lock, so no registration can put a blob meanwhile.
	 * @return how many blobs were removed
	 */
	int sweep() {
		return this.store.locked(() -> {
			Set<String> kept = new HashSet<>();
			for (Image image : this.store.all()) {
				kept.add(image.digest().hex());
				image.layers().forEach((d) -> kept.add(d.hex()));
			}
			this.others.orderedStream().forEach((r) -> r.referencedBlobs().forEach((d) -> kept.add(d.hex())));
			int removed = 0;
			try (DirectoryStream<Path> stored = Files.newDirectoryStream(this.root)) {
				for (Path p : stored) {
					String name = p.getFileName().toString();
					if (HEX64.matcher(name).matches() && !kept.contains(name)) {
						this.blobs.delete(Digest.ofHex(name));
						logger.info("removed unreferenced blob sha256:" + name);
						removed++;
					}
				}
			}
			catch (IOException ex) {
				logger.warn("cannot scan " + this.root + ": " + ex.getMessage());
			}
			return removed;
		});
	}

}
