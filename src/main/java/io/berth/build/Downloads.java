package io.berth.build;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.springframework.util.FileSystemUtils;

/**
 * The URLs of an ADD, fetched by the daemon into a directory of their own so the step copies them like local files;
 * as with dockerd, each is fetched on every build (its checksum is the cache key) and gets mode 0600.
 */
final class Downloads {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.followRedirects(HttpClient.Redirect.NORMAL)
		.connectTimeout(Duration.ofSeconds(30))
		.build();

	private Downloads() {
	}

	/** The name a URL's file gets: the last segment of its path, as dockerd names it. */
	static String fileName(String url) {
		String path = URI.create(url).getPath();
		String name = (path == null) ? "" : path.substring(path.lastIndexOf('/') + 1);
		return name.isEmpty() || name.equals("..") || name.equals(".") ? "__unnamed__" : name;
	}

	/**
	 * Fetches every URL.
	 * @throws BuildFailedException naming the URL when one cannot be fetched
	 */
	static Path fetch(List<String> urls, Path tmp) {
		Path dir;
		try {
			dir = Files.createTempDirectory(tmp, BuildService.TEMP_PREFIX + "add-");
		}
		catch (IOException ex) {
			throw new BuildFailedException("cannot make a download directory: " + ex.getMessage(), 1, ex);
		}
		try {
			for (String url : urls) {
				Path file = dir.resolve(fileName(url));
				HttpResponse<Path> r;
				try {
					r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).build(),
							HttpResponse.BodyHandlers.ofFile(file));
				}
				catch (IOException | IllegalArgumentException ex) {
					throw new BuildFailedException("failed to fetch " + url + ": " + ex, 1, ex);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new BuildFailedException("interrupted while fetching " + url, 1, ex);
				}
				if (r.statusCode() / 100 != 2) {
					throw new BuildFailedException("failed to fetch " + url + ": the server answered "
							+ r.statusCode(), 1);
				}
				Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
			}
			return dir;
		}
		catch (IOException | RuntimeException ex) {
			delete(dir);
			if (ex instanceof RuntimeException r) {
				throw r;
			}
			throw new BuildFailedException("cannot store a download: " + ex.getMessage(), 1, ex);
		}
	}

	static void delete(Path dir) {
		try {
			FileSystemUtils.deleteRecursively(dir);
		}
		catch (IOException ex) {
			// Left under tmp/ with the build- prefix, which the next start removes.
		}
	}

}
