package io.berth.api.transport;

import java.nio.file.Path;

import io.berth.paths.EnginePaths;

import org.springframework.stereotype.Component;

/** Tomcat's own API socket, in a directory only root may enter; clients reach it through {@link ApiFront}. */
@Component
class InternalSocket {

	private final Path path;

	InternalSocket(EnginePaths paths) {
		this.path = paths.execRoot().resolve("api-internal").resolve("tomcat.sock");
	}

	Path path() {
		return this.path;
	}

}
