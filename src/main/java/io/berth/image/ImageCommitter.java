package io.berth.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.berth.content.Digest;
import io.berth.error.InvalidParameterException;
import io.berth.error.SystemException;
import io.berth.image.layer.LayerStore;
import io.berth.image.layer.PendingLayer;
import io.berth.paths.EnginePaths;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.stereotype.Service;

/**
 * {@code docker commit}'s image half: the container's diff becomes one more layer on its image, and the config is
 * the container's, with the request's changes, as dockerd's {@code CreateImageFromContainer} makes it. The container
 * feature reads the diff and calls in here, so images never depend on containers.
 *
 * @see <a href="https://github.com/moby/moby/blob/v20.10.24/daemon/commit.go">daemon/commit.go</a>
 */
@Service
public class ImageCommitter {

	/** The diff ID of a tar with no entries (two zero blocks), which dockerd does not add as a layer. */
	static final Digest EMPTY_LAYER = Digest.of(new byte[1024]);

	/** Writers of build steps' layers, each feeding one unpack through a pipe. */
	private static final ExecutorService WRITERS = Executors.newCachedThreadPool((r) -> {
		Thread t = new Thread(r, "berth-layer-writer");
		t.setDaemon(true);
		return t;
	});

	/** Plain order-keeping mapper: the configs keep the order the container's config has. */
	private static final JsonMapper PLAIN = JsonMapper.builder().build();

	private final ImageStore store;

	private final ImageService images;

	private final LayerStore layers;

	private final ImageProperties properties;

	private final Path tmp;

	ImageCommitter(ImageStore store, ImageService images, LayerStore layers, ImageProperties properties,
			EnginePaths paths) {
		this.store = store;
		this.images = images;
		this.layers = layers;
		this.properties = properties;
		this.tmp = paths.tmp();
	}

	/**
	 * Makes the image. The diff is spooled to a temp file first, so the source (which may hold a container paused)
	 * is done before the layer is unpacked.
	 * @return the new image, with the tag it got
	 * @throws InvalidParameterException for a bad reference or change, before the diff is read
	 */
	public RegisteredImage commit(CommitRequest request, LayerWriter diff) {
		List<ImageReference> tags = tags(request.repository(), request.tag());
		ObjectNode containerConfig = PLAIN.valueToTree(request.containerConfig());
		ObjectNode runConfig = (request.config() != null) ? PLAIN.valueToTree(request.config())
				: containerConfig.deepCopy();
		ConfigChanges.apply(runConfig, request.changes());
		ImageConfigs.mergeCommitConfig(runConfig, containerConfig);
		Image parent = this.store.byId(request.parentImageId())
			.orElseThrow(() -> new ImageNotFoundException(request.parentImageId()));
		JsonNode parentConfig = ImageConfigs.MAPPER.readTree(this.images.configBytes(parent.id()));
		Path spool = spool(diff);
		try (InputStream in = Files.newInputStream(spool);
				PendingLayer layer = this.layers.unpack(in, this.properties.maxLayerSize().toBytes())) {
			boolean empty = layer.diffId().equals(EMPTY_LAYER);
			byte[] config = ImageConfigs.commitConfig(parentConfig, runConfig, containerConfig,
					request.containerId(), request.author(), request.comment(), empty ? null : layer.diffId(),
					Instant.now());
			return this.images.register(config, empty ? List.of() : List.of(layer), tags, null);
		}
		catch (IOException ex) {
			throw new SystemException("cannot read the committed layer: " + ex.getMessage(), ex);
		}
		finally {
			deleteQuietly(spool);
		}
	}

	/**
	 * One step of a build: the parent (null for {@code scratch}) with one more layer, or none for a step that only
	 * changes the config, and the build's config. {@code createdBy} is the history line, as the classic builder
	 * writes it into {@code container_config.Cmd}.
	 * @return the new image, untagged
	 */
	public RegisteredImage commitBuildStep(@Nullable String parentImageId, Map<String, Object> config,
			List<String> createdBy, @Nullable LayerWriter diff) {
		ObjectNode runConfig = PLAIN.valueToTree(config);
		ObjectNode containerConfig = runConfig.deepCopy();
		containerConfig.set("Cmd", PLAIN.valueToTree(createdBy));
		JsonNode parentConfig = (parentImageId == null) ? PLAIN.createObjectNode()
				: ImageConfigs.MAPPER.readTree(this.images.configBytes(this.store.byId(parentImageId)
					.orElseThrow(() -> new ImageNotFoundException(parentImageId))
					.id()));
		if (diff == null) {
			byte[] bytes = ImageConfigs.commitConfig(parentConfig, runConfig, containerConfig, "", "", "", null,
					Instant.now());
			return this.images.register(bytes, List.of(), List.of(), null);
		}
		// Streamed through a pipe, not spooled: a build step holds nothing that must be let go before the unpack.
		Pipe pipe;
		try {
			pipe = Pipe.open();
		}
		catch (IOException ex) {
			throw new SystemException("cannot open a pipe for the step's layer: " + ex.getMessage(), ex);
		}
		CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
			try (OutputStream out = Channels.newOutputStream(pipe.sink())) {
				diff.writeTo(out);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}, WRITERS);
		try (InputStream in = Channels.newInputStream(pipe.source());
				PendingLayer layer = this.layers.unpack(in, this.properties.maxLayerSize().toBytes())) {
			// A writer that failed ended the tar early; its error, not a short layer, is the result.
			awaitWriter(writing);
			boolean empty = layer.diffId().equals(EMPTY_LAYER);
			byte[] bytes = ImageConfigs.commitConfig(parentConfig, runConfig, containerConfig, "", "", "",
					empty ? null : layer.diffId(), Instant.now());
			return this.images.register(bytes, empty ? List.of() : List.of(layer), List.of(), null);
		}
		catch (IOException ex) {
			throw new SystemException("cannot read the step's layer: " + ex.getMessage(), ex);
		}
	}

	private static void awaitWriter(CompletableFuture<Void> writing) {
		try {
			writing.join();
		}
		catch (java.util.concurrent.CompletionException ex) {
			Throwable cause = (ex.getCause() instanceof UncheckedIOException u) ? u.getCause() : ex.getCause();
			if (cause instanceof RuntimeException r) {
				throw r;
			}
			throw new SystemException("cannot write the step's layer: " + cause.getMessage(), cause);
		}
	}

	private Path spool(LayerWriter diff) {
		Path spool;
		try {
			spool = Files.createTempFile(this.tmp, LayerStore.TEMP_PREFIX + "commit-", ".tar");
		}
		catch (IOException ex) {
			throw new SystemException("cannot create a temp file in " + this.tmp + ": " + ex.getMessage(), ex);
		}
		try (OutputStream out = Files.newOutputStream(spool)) {
			diff.writeTo(out);
			return spool;
		}
		catch (IOException | RuntimeException ex) {
			deleteQuietly(spool);
			if (ex instanceof RuntimeException r) {
				throw r;
			}
			throw new SystemException("cannot write the container's changes: " + ex.getMessage(), ex);
		}
	}

	/** dockerd's {@code TagImage}: no repository means no tag, the tag defaults to latest, a digest is no tag. */
	private static List<ImageReference> tags(String repository, String tag) {
		if (repository == null || repository.isEmpty()) {
			return List.of();
		}
		ImageReference ref = ImageReference.parse(repository);
		if (ref.hasDigest()) {
			throw new InvalidParameterException("refusing to create a tag with a digest reference");
		}
		return List.of(((tag != null && !tag.isEmpty()) ? ref.withTag(tag) : ref).withDefaultTag());
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// Left under tmp/ with the img- prefix, which the next start removes.
		}
	}

}
