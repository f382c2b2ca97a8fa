package io.berth.image.distribution;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How Berth talks to registries.
 *
 * @param insecure registries reached over plain HTTP (or HTTPS without verification), as {@code host[:port]} or a
 * CIDR; 127.0.0.0/8 and ::1 always are, as in Docker
 * @param mirrors base URLs tried before Docker Hub for Docker Hub images, as dockerd's {@code registry-mirrors}
 * @param maxConcurrentDownloads layers fetched at once per pull (dockerd's default is 3)
 * @param maxConcurrentUploads layers pushed at once per push (dockerd's default is 5)
 * @param uploadChunkSize layers larger than this are pushed in several PATCH requests of this size
 */
@ConfigurationProperties("berth.registry")
public record RegistryProperties(@DefaultValue List<String> insecure, @DefaultValue List<String> mirrors,
		@DefaultValue("3") int maxConcurrentDownloads, @DefaultValue("5") int maxConcurrentUploads,
		@DefaultValue("64MB") DataSize uploadChunkSize) {

	public RegistryProperties {
		insecure = List.copyOf(insecure);
		mirrors = List.copyOf(mirrors);
		if (maxConcurrentDownloads < 1 || maxConcurrentUploads < 1) {
			throw new IllegalArgumentException("berth.registry concurrency limits must be at least 1");
		}
		if (uploadChunkSize.toBytes() < 1024 * 1024) {
			throw new IllegalArgumentException("berth.registry.upload-chunk-size must be at least 1MB");
		}
	}

}
