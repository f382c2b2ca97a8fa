package io.berth.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.berth.content.ObservedInputStream;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotFoundException;
import io.berth.error.SystemException;

import org.springframework.stereotype.Service;

/**
 * {@code docker import URL}: the tarball is fetched over HTTP or HTTPS (redirects followed) and streamed straight
 * into the import, so a failed or refused download leaves nothing behind. A status of 400 or more fails the request
 * before anything is streamed, with dockerd's {@code failed to GET <url> with status <status>: <body>}.
 *
 * @see <a href="https://github.com/moby/moby/blob/v20.10.24/builder/remotecontext/remote.go">GetWithStatusError</a>
 */
@Service
public class ImageUrlImporter {

	/** How much of an error body goes into the message. */
	private static final int MAX_ERROR_BODY = 4096;

	/** Reports progress about this often, in bytes, so a large download does not flood the stream. */
	private static final long PROGRESS_STEP = 1 << 20;

	private final ImageService images;

	private final ImageProperties properties;

	/** Made on first use: HTTP and TLS classes cost the idle daemon memory that only URL imports need. */
	private volatile HttpClient http;

	ImageUrlImporter(ImageService images, ImageProperties properties) {
		this.images = images;
		this.properties = properties;
	}

	/**
	 * Downloads and imports a root filesystem tarball, as {@link ImageService#importImage} does with an upload.
	 * @param source {@code http(s)://...}; without a scheme, http is assumed as dockerd does
	 * @return the new image's ID
	 * @throws InvalidParameterException for a bad URL, reference or change (before any request), or a refused body
	 * @throws NotFoundException when the server answers 404
	 * @throws SystemException when the server cannot be reached or answers another error
	 */
	public String importFrom(String source, String repository, String tag, List<String> changes, String message,
			ImportProgress progress) {
		URI uri = uri(source);
		this.images.checkImport(repository, tag, changes);
		long max = this.properties.maxLayerSize().toBytes();
		HttpResponse<InputStream> response = get(uri);
		try (InputStream body = response.body()) {
			long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
			if (total > max) {
				throw new InvalidParameterException("the tarball at " + uri + " is " + total
						+ " bytes, more than the maximum of " + max);
			}
			progress.downloading(uri);
			InputStream counted = new Counting(body, total, max, progress);
			String comment = (message == null || message.isEmpty()) ? "Imported from " + uri : message;
			return this.images.importImage(counted, repository, tag, changes, comment);
		}
		catch (IOException ex) {
			throw new SystemException("cannot read " + uri + ": " + ex.getMessage(), ex);
		}
	}

	private static URI uri(String source) {
		String text = source.contains("://") ? source : "http://" + source;
		URI uri;
		try {
			uri = new URI(text);
		}
		catch (URISyntaxException ex) {
			throw new InvalidParameterException("invalid URL " + source + ": " + ex.getReason());
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
			throw new InvalidParameterException("invalid URL " + source + ": only http and https URLs can be imported");
		}
		return uri;
	}

	private synchronized HttpClient http() {
		if (this.http == null) {
			this.http = HttpClient.newBuilder()
				.followRedirects(HttpClient.Redirect.NORMAL)
				.connectTimeout(Duration.ofSeconds(30))
				.build();
		}
		return this.http;
	}

	private HttpResponse<InputStream> get(URI uri) {
		HttpResponse<InputStream> response;
		try {
			response = http().send(HttpRequest.newBuilder(uri).GET().build(),
					HttpResponse.BodyHandlers.ofInputStream());
		}
		catch (ConnectException ex) {
			throw new SystemException("Get \"" + uri + "\": connection refused", ex);
		}
		catch (IOException ex) {
			throw new SystemException("Get \"" + uri + "\": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SystemException("Get \"" + uri + "\": interrupted", ex);
		}
		int status = response.statusCode();
		if (status < 400) {
			return response;
		}
		String body;
		try (InputStream in = response.body()) {
			body = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8).strip();
		}
		catch (IOException ex) {
			body = "error reading body";
		}
		String message = "failed to GET " + uri + " with status " + status + ": " + body;
		if (status == 404) {
			throw new NotFoundException(message);
		}
		if (status == 400) {
			throw new InvalidParameterException(message);
		}
		throw new SystemException(message);
	}

	/** Counts what the import reads, reports it now and then, and stops a body that runs past the limit. */
	private static final class Counting extends ObservedInputStream {

		private final long total;

		private final long max;

		private final ImportProgress progress;

		private long reported;

		Counting(InputStream in, long total, long max, ImportProgress progress) {
			super(in);
			this.total = total;
			this.max = max;
			this.progress = progress;
		}

		@Override
		protected void observe(byte[] b, int off, int len, long count) {
			if (count > this.max) {
				throw new InvalidParameterException("the tarball is larger than the maximum of " + this.max + " bytes");
			}
			if (count - this.reported >= PROGRESS_STEP || count == this.total) {
				this.reported = count;
				this.progress.read(count, this.total);
			}
		}

	}

}
