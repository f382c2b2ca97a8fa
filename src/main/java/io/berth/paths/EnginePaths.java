package io.berth.paths;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.stereotype.Component;

/** Where each kind of state lives under the data root and the exec root; the directories exist once built. */
@Component
public class EnginePaths {

	private final Path dataRoot;

	private final Path execRoot;

	public EnginePaths(EngineProperties properties) {
		this.dataRoot = Path.of(properties.dataRoot()).toAbsolutePath();
		this.execRoot = Path.of(properties.execRoot()).toAbsolutePath();
		for (Path p : new Path[] { blobs(), layers(), containers(), volumes(), tmp(), monitors(), runtimeRoot() }) {
			try {
				Files.createDirectories(p);
			}
			catch (IOException ex) {
				throw new UncheckedIOException("cannot create " + p, ex);
			}
		}
	}

	public Path dataRoot() {
		return this.dataRoot;
	}

	public Path execRoot() {
		return this.execRoot;
	}

	/** Content-addressed blobs: {@code blobs/sha256/<hex>}. */
	public Path blobs() {
		return this.dataRoot.resolve("blobs");
	}

	/** Unpacked layers, one directory per diff ID: {@code layers/sha256/<hex>}. */
	public Path layers() {
		return this.dataRoot.resolve("layers");
	}

	/** Per-container state: bundle, overlay upper and work dirs, log, exit record. */
	public Path containers() {
		return this.dataRoot.resolve("containers");
	}

	public Path volumes() {
		return this.dataRoot.resolve("volumes");
	}

	/** Scratch space on the same filesystem as the stores, so finished files can be renamed into place. */
	public Path tmp() {
		return this.dataRoot.resolve("tmp");
	}

	/** The monitors' sockets. */
	public Path monitors() {
		return this.execRoot.resolve("m");
	}

	/** The OCI runtime's {@code --root}. */
	public Path runtimeRoot() {
		return this.execRoot.resolve("runtime");
	}

}
