package io.berth.container;

import java.nio.file.Path;

import io.berth.paths.EnginePaths;

/** Where one container's files live: its bundle, overlay upper and work dirs, log, exit record and /etc files. */
record ContainerFiles(Path dir, Path netns) {

	static ContainerFiles of(EnginePaths paths, String id) {
		return new ContainerFiles(paths.containers().resolve(id), paths.execRoot().resolve("netns").resolve(id));
	}

	Path bundle() {
		return this.dir.resolve("bundle");
	}

	Path rootfs() {
		return bundle().resolve("rootfs");
	}

	Path upper() {
		return this.dir.resolve("upper");
	}

	Path work() {
		return this.dir.resolve("work");
	}

	Path log() {
		return this.dir.resolve(this.dir.getFileName() + "-json.log");
	}

	Path exitFile() {
		return this.dir.resolve("exit.json");
	}

	Path hostname() {
		return this.dir.resolve("hostname");
	}

	Path hosts() {
		return this.dir.resolve("hosts");
	}

	Path resolvConf() {
		return this.dir.resolve("resolv.conf");
	}

}
