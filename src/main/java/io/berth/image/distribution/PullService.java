package io.berth.image.distribution;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;

import io.berth.content.Digest;
import io.berth.error.EngineException;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotFoundException;
import io.berth.image.ConfigDocument;
import io.berth.image.ImageNotFoundException;
import io.berth.image.ImageProperties;
import io.berth.image.ImageReference;
import io.berth.image.ImageService;
import io.berth.image.layer.InvalidLayerException;
import io.berth.image.layer.LayerStore;
import io.berth.image.layer.PendingLayer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Service;

/**
 * {@code docker pull}: resolves a reference to one image manifest (choosing the platform from a list or index),
 * fetches and checks the config, then streams each missing layer from the registry straight into the layer
 * unpacker, several at once, checking the compressed digest and the diff ID before anything is installed. The image
 * is registered, with its tag and repo digest, only when every layer is in hand, so a failure or a crash leaves
 * nothing but temp files that the next start removes.
 */
@Service
public class PullService {

	private static final Log logger = LogFactory.getLog(PullService.class);

	private static final long MAX_MANIFEST = 4L * 1024 * 1024;

	private static final long MAX_CONFIG = 16L * 1024 * 1024;

	private final RegistryTransport transport;

	private final ImageService images;

	private final LayerStore layers;

	private final LayerSources sources;

	private final ImageProperties imageProperties;

	private final RegistryProperties properties;

	PullService(RegistryTransport transport, ImageService images, LayerStore layers, LayerSources sources,
			ImageProperties imageProperties, RegistryProperties properties) {
		this.transport = transport;
		this.images = images;
		this.layers = layers;
		this.sources = sources;
		this.imageProperties = imageProperties;
		this.properties = properties;
	}

	/**
	 * An image manifest found and its config fetched and checked: what a pull needs before it reports anything.
	 *
	 * @param reference what the user asked for, tag or digest
	 * @param manifest the image manifest (not the index)
	 * @param repoDigest {@code name@digest} of what the reference named: the index if there was one
	 * @param config the config bytes, whose sha256 is the image ID
	 */
	public record Resolved(ImageReference reference, Manifest manifest, ImageReference repoDigest, byte[] config,
			RegistrySession session) {
	}

	/** Parses {@code fromImage} and {@code tag} as the CLI sends them: the tag may be a digest. */
	public static ImageReference reference(String fromImage, String tag) {
		ImageReference ref = ImageReference.parse(fromImage);
		if (tag == null || tag.isEmpty() || ref.hasTag() || ref.hasDigest()) {
			return ref;
		}
		if (tag.contains(":")) {
			return ImageReference.parse(ref.name() + "@" + tag);
		}
		return ref.withTag(tag);
	}

	/** The tags of a repository, for {@code docker pull -a}. */
	public List<String> tags(ImageReference repository, RegistryCredentials credentials) {
		RegistrySession s = RegistrySession.open(this.transport, repository.domain(), repository.path(), credentials,
				"pull");
		HttpResponse<java.io.InputStream> r = s.stream(s.url("tags/list"), "application/json");
		byte[] body = RegistrySession.readLimited(r.body(), MAX_MANIFEST, "tag list");
		if (r.statusCode() != 200) {
			throw RegistrySession.failure("tags of " + repository.familiarName(), r.statusCode(), body);
		}
		List<String> out = new ArrayList<>();
		var node = RegistrySession.MAPPER.readTree(body).get("tags");
		if (node != null && node.isArray()) {
			node.forEach((t) -> out.add(t.asString()));
		}
		return out;
	}

	/**
	 * Finds the image a reference names. Errors here come before any output, so the API can give them a status.
	 * @throws NotFoundException when the registry has no such manifest, or none for the platform
	 */
	public Resolved resolve(ImageReference reference, String platformText, RegistryCredentials credentials) {
		ImageReference ref = reference.hasDigest() ? reference : reference.withDefaultTag();
		List<URI> endpoints = this.transport.endpoints(ref.domain());
		if (!ref.domain().equals(ImageReference.DOCKER_HUB) || endpoints.size() == 1) {
			return resolve(ref, platformText, credentials, endpoints);
		}
		// Docker Hub behind mirrors: a mirror that fails or lacks the image hands over to the next, then to the Hub.
		for (int i = 0; i < endpoints.size() - 1; i++) {
			try {
				return resolve(ref, platformText, credentials, List.of(endpoints.get(i)));
			}
			catch (EngineException ex) {
				logger.info("mirror " + endpoints.get(i) + " failed for " + ref.familiarString() + ": "
						+ ex.getMessage());
			}
		}
		return resolve(ref, platformText, credentials, List.of(endpoints.get(endpoints.size() - 1)));
	}

	private Resolved resolve(ImageReference ref, String platformText, RegistryCredentials credentials,
			List<URI> endpoints) {
		Platform platform = Platform.parse(platformText);
		RegistrySession session = RegistrySession.open(this.transport, ref.domain(), endpoints, ref.path(),
				credentials, "pull", List.of());
		String what = ref.hasDigest() ? ref.digest().value() : ref.tag();
		Manifest top = fetchManifest(session, ref, what);
		if (ref.hasDigest() && !top.digest().equals(ref.digest())) {
			throw new InvalidParameterException("manifest verification failed for digest " + ref.digest());
		}
		Manifest manifest = top;
		if (top.isIndex()) {
			Descriptor entry = top.select(platform);
			manifest = fetchManifest(session, ref, entry.digest().value());
			if (!manifest.digest().equals(entry.digest())) {
				throw new InvalidParameterException("manifest verification failed for digest " + entry.digest());
			}
			if (manifest.isIndex()) {
				throw new InvalidParameterException("manifest list entry " + entry.digest() + " is a list itself");
			}
		}
		byte[] config = fetchConfig(session, manifest.config());
		ConfigDocument doc = ConfigDocument.parse(config);
		if (doc.diffIds().size() != manifest.layers().size()) {
			throw new InvalidParameterException("layers from manifest don't match image configuration");
		}
		if (manifest.layers().size() > this.imageProperties.maxLayers()) {
			throw new InvalidParameterException("image has " + manifest.layers().size()
					+ " layers, more than the maximum of " + this.imageProperties.maxLayers());
		}
		if (platformText != null && !platformText.isBlank() && !top.isIndex()
				&& !platform.matches(new Platform(doc.os(), doc.architecture(), doc.variant()))) {
			throw new NotFoundException("image with reference " + ref.familiarString()
					+ " was found but does not match the specified platform: wanted " + platform + ", actual: "
					+ new Platform(doc.os(), doc.architecture(), doc.variant()));
		}
		ImageReference repoDigest = ImageReference.parse(ref.name() + "@" + top.digest());
		return new Resolved(ref, manifest, repoDigest, config, session);
	}

	/**
	 * Downloads what is missing and registers the image, reporting as dockerd does. Errors here come after output
	 * has started; the API reports them in the stream.
	 */
	public void complete(Resolved resolved, ProgressListener progress) {
		ImageReference ref = resolved.reference();
		progress.status(ref.hasDigest() ? ref.digest().value() : ref.tag(),
				"Pulling from " + ref.path());
		List<Digest> diffIds = ConfigDocument.parse(resolved.config()).diffIds();
		List<Descriptor> blobs = resolved.manifest().layers();
		String imageId = Digest.of(resolved.config()).value();
		// As in dockerd, an image already stored needs no layer lines at all.
		boolean stored = exists(imageId);
		Map<Digest, Descriptor> missing = new LinkedHashMap<>();
		for (int i = 0; i < blobs.size() && !stored; i++) {
			Digest diffId = diffIds.get(i);
			if (this.images.hasLayer(diffId) || missing.containsKey(diffId)) {
				if (!missing.containsKey(diffId)) {
					progress.status(blobs.get(i).shortId(), "Already exists");
				}
				continue;
			}
			missing.put(diffId, blobs.get(i));
		}
		boolean upToDate = missing.isEmpty() && pointsAt(ref, imageId);
		List<PendingLayer> pending = download(resolved.session(), missing, progress);
		try {
			List<ImageReference> tags = ref.hasDigest() ? List.of() : List.of(ref);
			this.images.register(resolved.config(), pending, tags, List.of(resolved.repoDigest()), null);
		}
		finally {
			pending.forEach(PendingLayer::close);
		}
		for (int i = 0; i < blobs.size(); i++) {
			this.sources.record(diffIds.get(i), blobs.get(i), ref.domain(), ref.path());
		}
		this.images.announce("pull", ref, imageId);
		progress.status("Digest: " + resolved.repoDigest().digest());
		progress.status(upToDate ? "Status: Image is up to date for " + ref.familiarString()
				: "Status: Downloaded newer image for " + ref.familiarString());
	}

	private boolean exists(String imageId) {
		try {
			this.images.resolve(imageId);
			return true;
		}
		catch (ImageNotFoundException ex) {
			return false;
		}
	}

	private boolean pointsAt(ImageReference ref, String imageId) {
		try {
			return this.images.resolve(ref.familiarString()).id().equals(imageId);
		}
		catch (ImageNotFoundException ex) {
			return false;
		}
	}

	/** Downloads and unpacks layers, at most {@code maxConcurrentDownloads} at once; all or nothing. */
	private List<PendingLayer> download(RegistrySession session, Map<Digest, Descriptor> missing,
			ProgressListener progress) {
		if (missing.isEmpty()) {
			return List.of();
		}
		int parallel = Math.min(this.properties.maxConcurrentDownloads(), missing.size());
		int n = 0;
		for (Descriptor d : missing.values()) {
			progress.status(d.shortId(), "Pulling fs layer");
		}
		for (Descriptor d : missing.values()) {
			if (n++ >= parallel) {
				progress.status(d.shortId(), "Waiting");
			}
		}
		List<BlobStream> open = new CopyOnWriteArrayList<>();
		List<Callable<PendingLayer>> tasks = new ArrayList<>();
		missing.forEach((diffId, blob) -> tasks.add(() -> fetchLayer(session, blob, diffId, progress, open)));
		// A sibling's failure dooms the pull: its connections are closed instead of waited for.
		return Parallel.run(tasks, parallel, "pull-" + session.repository(), () -> open.forEach(BlobStream::abort),
				PendingLayer::close);
	}

	private PendingLayer fetchLayer(RegistrySession session, Descriptor blob, Digest diffId, ProgressListener progress,
			List<BlobStream> open) {
		long max = this.imageProperties.maxLayerSize().toBytes();
		if (blob.size() > max) {
			throw new InvalidParameterException("layer " + blob.digest() + " is larger than the maximum of " + max
					+ " bytes");
		}
		HttpResponse<java.io.InputStream> r = session.stream(session.url("blobs/" + blob.digest()));
		if (r.statusCode() != 200) {
			byte[] body = RegistrySession.readLimited(r.body(), MAX_MANIFEST, "error");
			throw RegistrySession.failure("error pulling layer " + blob.digest(), r.statusCode(), body);
		}
		long total = (blob.size() >= 0) ? blob.size() : r.headers().firstValueAsLong("Content-Length").orElse(-1);
		String id = blob.shortId();
		BlobStream in = new BlobStream(r.body(), "layer " + blob.digest(),
				(count) -> progress.progress(id, "Downloading", count, total));
		open.add(in);
		PendingLayer layer = null;
		try {
			try {
				layer = this.layers.unpack(in, max);
			}
			catch (InvalidLayerException ex) {
				throw corruptOr(ex, in, blob);
			}
			Digest actual = in.finish();
			progress.status(id, "Verifying Checksum");
			if (!actual.equals(blob.digest()) || (blob.size() >= 0 && in.count() != blob.size())) {
				throw new InvalidParameterException("filesystem layer verification failed for digest "
						+ blob.digest());
			}
			progress.status(id, "Download complete");
			if (!layer.diffId().equals(diffId)) {
				throw new InvalidParameterException("layers from manifest don't match image configuration: layer "
						+ blob.digest() + " has diff ID " + layer.diffId() + ", the config says " + diffId);
			}
			progress.status(id, "Pull complete");
			PendingLayer result = layer;
			layer = null;
			return result;
		}
		finally {
			open.remove(in);
			RegistrySession.closeQuietly(in);
			if (layer != null) {
				layer.close();
			}
		}
	}

	/**
	 * A layer the unpacker refused may only be damaged in transit or in the registry's storage: if its bytes do not
	 * match the digest, that is the error to report, as dockerd does, rather than what the damage looked like.
	 */
	private static RuntimeException corruptOr(InvalidLayerException refusal, BlobStream in, Descriptor blob) {
		if (blob.size() < 0) {
			return refusal;
		}
		try {
			Digest actual = in.finish(blob.size());
			return actual.equals(blob.digest()) ? refusal
					: new InvalidParameterException("filesystem layer verification failed for digest " + blob.digest());
		}
		catch (RuntimeException ex) {
			return refusal;
		}
	}

	private Manifest fetchManifest(RegistrySession session, ImageReference ref, String tagOrDigest) {
		HttpResponse<java.io.InputStream> r = session.stream(session.url("manifests/" + tagOrDigest),
				Manifest.ACCEPT.toArray(String[]::new));
		byte[] body = RegistrySession.readLimited(r.body(), MAX_MANIFEST, "manifest");
		if (r.statusCode() == 404) {
			throw new NotFoundException("manifest for " + ref.familiarString() + " not found: "
					+ RegistryErrors.describe(body));
		}
		if (r.statusCode() != 200) {
			throw RegistrySession.failure("error fetching manifest for " + ref.familiarString(), r.statusCode(), body);
		}
		return Manifest.parse(body, r.headers().firstValue("Content-Type").orElse(""));
	}

	private byte[] fetchConfig(RegistrySession session, Descriptor config) {
		HttpResponse<java.io.InputStream> r = session.stream(session.url("blobs/" + config.digest()));
		byte[] body = RegistrySession.readLimited(r.body(), MAX_CONFIG, "image config");
		if (r.statusCode() != 200) {
			throw RegistrySession.failure("error fetching image config " + config.digest(), r.statusCode(), body);
		}
		if (!Digest.of(body).equals(config.digest())) {
			throw new InvalidParameterException("image config verification failed for digest " + config.digest());
		}
		return body;
	}

}
