package io.berth.image.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

import io.berth.content.BlobStore;
import io.berth.content.BlobWriter;
import io.berth.content.Digest;
import io.berth.error.NotFoundException;
import io.berth.error.SystemException;
import io.berth.image.ConfigDocument;
import io.berth.image.ImageNotFoundException;
import io.berth.image.ImageReference;
import io.berth.image.ImageService;
import io.berth.image.layer.LayerStore;

import org.springframework.stereotype.Service;

/**
 * {@code docker push}: for each layer, the registry is asked whether it already holds a blob known for it (HEAD), or
 * asked to mount one from another repository of the same registry; otherwise the layer is gzip'd into a temp blob
 * and uploaded, in one PUT when small and in PATCH chunks when large. The config and a schema2 manifest follow, and
 * the manifest's digest becomes a repo digest of the image.
 */
@Service
public class PushService {

	private static final String OCTETS = "application/octet-stream";

	private final RegistryTransport transport;

	private final ImageService images;

	private final LayerStore layers;

	private final BlobStore blobs;

	private final LayerSources sources;

	private final RegistryProperties properties;

	PushService(RegistryTransport transport, ImageService images, LayerStore layers, BlobStore blobs,
			LayerSources sources, RegistryProperties properties) {
		this.transport = transport;
		this.images = images;
		this.layers = layers;
		this.blobs = blobs;
		this.sources = sources;
		this.properties = properties;
	}

	/**
	 * What a push will send: each tag with its image, found before any output so that a missing image gets a 404.
	 * Registry errors, refused credentials included, come later in the stream, as with dockerd: a 401 status would
	 * make the CLI prompt for a login.
	 */
	public record Plan(ImageReference repository, Map<String, String> imagesByTag, RegistryCredentials credentials) {
	}

	/**
	 * @param tag one tag, or empty for every local tag of the repository
	 * @throws NotFoundException with dockerd's words when nothing local has that name
	 */
	public Plan plan(String name, String tag, RegistryCredentials credentials) {
		ImageReference ref = ImageReference.parse(name);
		if (tag != null && !tag.isEmpty()) {
			ref = ref.withTag(tag);
		}
		Map<String, String> byTag = new LinkedHashMap<>();
		if (ref.hasTag()) {
			try {
				byTag.put(ref.tag(), this.images.resolve(ref.familiarString()).id());
			}
			catch (ImageNotFoundException ex) {
				throw new NotFoundException("An image does not exist locally with the tag: " + ref.familiarName());
			}
		}
		else {
			for (String t : this.images.tagsInRepository(ref.repository())) {
				ImageReference tagged = ImageReference.parse(t);
				byTag.put(tagged.tag(), this.images.resolve(t).id());
			}
			if (byTag.isEmpty()) {
				throw new NotFoundException("An image does not exist locally with the tag: " + ref.familiarName());
			}
		}
		return new Plan(ref.repository(), byTag, credentials);
	}

	public void push(Plan plan, ProgressListener progress) {
		ImageReference repo = plan.repository();
		progress.status("The push refers to repository [" + repo.name() + "]");
		List<String> mountable = new ArrayList<>();
		for (String id : plan.imagesByTag().values()) {
			for (Digest d : ConfigDocument.parse(this.images.configBytes(id)).diffIds()) {
				this.sources.find(d, repo.domain(), repo.path()).forEach((s) -> mountable.add(s.repository()));
			}
		}
		RegistrySession session = RegistrySession.open(this.transport, repo.domain(), repo.path(),
				plan.credentials(), "pull,push", mountable);
		for (Map.Entry<String, String> e : plan.imagesByTag().entrySet()) {
			pushImage(session, repo, e.getKey(), e.getValue(), progress);
		}
	}

	private void pushImage(RegistrySession session, ImageReference repository, String tag, String imageId,
			ProgressListener progress) {
		byte[] config = this.images.configBytes(imageId);
		List<Digest> diffIds = ConfigDocument.parse(config).diffIds();
		List<Digest> distinct = diffIds.stream().distinct().toList();
		for (int i = distinct.size() - 1; i >= 0; i--) {
			progress.status(distinct.get(i).shortHex(), "Preparing");
		}
		List<Callable<Descriptor>> tasks = new ArrayList<>();
		for (int i = distinct.size() - 1; i >= 0; i--) {
			Digest d = distinct.get(i);
			if (distinct.size() - 1 - i >= this.properties.maxConcurrentUploads()) {
				progress.status(d.shortHex(), "Waiting");
			}
			tasks.add(() -> {
				Descriptor blob = pushLayer(session, repository, d, progress);
				this.sources.record(d, blob, repository.domain(), repository.path());
				return blob;
			});
		}
		List<Descriptor> blobs = Parallel.run(tasks, this.properties.maxConcurrentUploads(),
				"push-" + repository.path(), () -> {
				}, (blob) -> {
				});
		Map<Digest, Descriptor> pushed = new LinkedHashMap<>();
		for (int i = 0; i < blobs.size(); i++) {
			pushed.put(distinct.get(distinct.size() - 1 - i), blobs.get(i));
		}
		Digest configDigest = Digest.of(config);
		if (!exists(session, configDigest)) {
			upload(session, configDigest, config.length, () -> new java.io.ByteArrayInputStream(config), (n) -> {
			});
		}
		byte[] manifest = manifest(configDigest, config.length, diffIds.stream().map(pushed::get).toList());
		HttpResponse<byte[]> r = session.send(RegistrySession.request(session.url("manifests/" + tag))
			.header("Content-Type", Manifest.DOCKER_MANIFEST)
			.PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)), HttpResponse.BodyHandlers.ofByteArray());
		if (r.statusCode() != 201 && r.statusCode() != 200) {
			throw RegistrySession.failure("error pushing manifest for " + repository.name() + ":" + tag,
					r.statusCode(), r.body());
		}
		Digest digest = Digest.of(manifest);
		this.images.register(config, List.of(), List.of(),
				List.of(ImageReference.parse(repository.name() + "@" + digest)), null);
		this.images.announce("push", repository.withTag(tag), imageId);
		progress.pushed(tag, digest.value(), manifest.length);
	}

	/** Sends one layer unless the registry has it or can mount it; returns its descriptor in the manifest. */
	private Descriptor pushLayer(RegistrySession session, ImageReference repository, Digest diffId,
			ProgressListener progress) {
		String id = diffId.shortHex();
		for (LayerSource known : this.sources.find(diffId, repository.domain(), repository.path())) {
			if (!known.mediaType().endsWith("gzip")) {
				// The manifest names layers as gzip'd; an uncompressed blob of an OCI image would not fit it.
				continue;
			}
			Digest digest = Digest.parse(known.blobDigest());
			if (known.repository().equals(repository.path())) {
				if (exists(session, digest)) {
					progress.status(id, "Layer already exists");
					return descriptor(digest, known.size());
				}
				continue;
			}
			if (mount(session, digest, known.repository())) {
				progress.status(id, "Mounted from " + known.repository());
				return descriptor(digest, known.size());
			}
		}
		Digest gz;
		long size;
		boolean wasStored;
		try (BlobWriter writer = this.blobs.newWriter()) {
			try (InputStream tar = this.layers.openTar(diffId)) {
				GZIPOutputStream zip = new GZIPOutputStream(writer, 64 * 1024) {

					{
						// Pushes are bound by compression; the fastest level costs little in size for layers.
						this.def.setLevel(Deflater.BEST_SPEED);
					}

				};
				tar.transferTo(zip);
				// Not closed: that would close the writer before its commit.
				zip.finish();
			}
			size = writer.size();
			gz = writer.finish();
			wasStored = this.blobs.contains(gz);
			writer.commit();
		}
		catch (IOException ex) {
			throw new SystemException("cannot compress layer " + diffId + ": " + ex.getMessage(), ex);
		}
		try {
			if (exists(session, gz)) {
				progress.status(id, "Layer already exists");
			}
			else {
				Digest digest = gz;
				long total = size;
				upload(session, gz, size, () -> this.blobs.open(digest),
						(n) -> progress.progress(id, "Pushing", n, total));
				progress.status(id, "Pushed");
			}
			return descriptor(gz, size);
		}
		finally {
			if (!wasStored) {
				this.blobs.delete(gz);
			}
		}
	}

	private boolean exists(RegistrySession session, Digest digest) {
		HttpResponse<Void> r = session.send(RegistrySession.request(session.url("blobs/" + digest))
			.method("HEAD", HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding());
		if (r.statusCode() == 200) {
			return true;
		}
		if (r.statusCode() == 404) {
			return false;
		}
		throw RegistrySession.failure("HEAD " + session.url("blobs/" + digest), r.statusCode(), new byte[0]);
	}

	/** Cross-repository mount: 201 means the registry linked the blob; 202 means it started an upload instead. */
	private boolean mount(RegistrySession session, Digest digest, String from) {
		HttpResponse<byte[]> r = session.send(RegistrySession.request(session.url("blobs/uploads/?mount=" + digest
				+ "&from=" + from)).POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());
		if (r.statusCode() == 201) {
			return true;
		}
		if (r.statusCode() == 202) {
			r.headers().firstValue("Location").ifPresent((loc) -> session.send(RegistrySession
				.request(session.base().resolve(loc)).DELETE(), HttpResponse.BodyHandlers.discarding()));
			return false;
		}
		throw RegistrySession.failure("error mounting " + digest + " from " + from, r.statusCode(), r.body());
	}

	/** Uploads a blob: one PUT when it fits in a chunk, otherwise PATCH requests of a chunk each, then the PUT. */
	private void upload(RegistrySession session, Digest digest, long size, Supplier<InputStream> content,
			java.util.function.LongConsumer sent) {
		HttpResponse<byte[]> start = session.send(RegistrySession.request(session.url("blobs/uploads/"))
			.POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.ofByteArray());
		if (start.statusCode() != 202) {
			throw RegistrySession.failure("error starting upload of " + digest, start.statusCode(), start.body());
		}
		URI location = location(session, start);
		long chunk = this.properties.uploadChunkSize().toBytes();
		try (InputStream in = content.get()) {
			if (size > chunk) {
				long offset = 0;
				while (offset < size) {
					long length = Math.min(chunk, size - offset);
					byte[] part = in.readNBytes((int) length);
					if (part.length != length) {
						throw new SystemException("blob " + digest + " ended early");
					}
					HttpResponse<byte[]> r = session.send(RegistrySession.request(location)
						.header("Content-Type", OCTETS)
						.header("Content-Range", offset + "-" + (offset + length - 1))
						.method("PATCH", HttpRequest.BodyPublishers.ofByteArray(part)),
							HttpResponse.BodyHandlers.ofByteArray());
					if (r.statusCode() != 202) {
						throw RegistrySession.failure("error uploading " + digest, r.statusCode(), r.body());
					}
					location = location(session, r);
					offset += length;
					sent.accept(offset);
				}
				finish(session, location, digest, HttpRequest.BodyPublishers.noBody());
			}
			else {
				byte[] all = in.readAllBytes();
				finish(session, location, digest, HttpRequest.BodyPublishers.ofByteArray(all));
				sent.accept(all.length);
			}
		}
		catch (IOException ex) {
			throw new SystemException("cannot read blob " + digest + ": " + ex.getMessage(), ex);
		}
	}

	private static void finish(RegistrySession session, URI location, Digest digest,
			HttpRequest.BodyPublisher body) {
		String sep = (location.getRawQuery() == null) ? "?" : "&";
		HttpResponse<byte[]> r = session.send(RegistrySession.request(URI.create(location + sep + "digest=" + digest))
			.header("Content-Type", OCTETS).PUT(body), HttpResponse.BodyHandlers.ofByteArray());
		if (r.statusCode() != 201) {
			throw RegistrySession.failure("error completing upload of " + digest, r.statusCode(), r.body());
		}
	}

	private static URI location(RegistrySession session, HttpResponse<?> r) {
		String loc = r.headers().firstValue("Location")
			.orElseThrow(() -> new SystemException("registry gave no upload location"));
		return session.base().resolve(loc);
	}

	private static Descriptor descriptor(Digest digest, long size) {
		return new Descriptor(Manifest.DOCKER_LAYER_GZIP, digest, size, null, Map.of());
	}

	private static byte[] manifest(Digest config, long configSize, List<Descriptor> layers) {
		StringBuilder b = new StringBuilder();
		b.append("{\n   \"schemaVersion\": 2,\n   \"mediaType\": \"").append(Manifest.DOCKER_MANIFEST)
			.append("\",\n   \"config\": {\n      \"mediaType\": \"").append(Manifest.DOCKER_CONFIG)
			.append("\",\n      \"size\": ").append(configSize).append(",\n      \"digest\": \"").append(config)
			.append("\"\n   },\n   \"layers\": [");
		for (int i = 0; i < layers.size(); i++) {
			Descriptor l = layers.get(i);
			b.append(i == 0 ? "\n" : ",\n").append("      {\n         \"mediaType\": \"").append(l.mediaType())
				.append("\",\n         \"size\": ").append(l.size()).append(",\n         \"digest\": \"")
				.append(l.digest()).append("\"\n      }");
		}
		b.append("\n   ]\n}");
		return b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
	}

}
