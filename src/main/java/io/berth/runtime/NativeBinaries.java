package io.berth.runtime;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

/**
 * Finds the runtime and monitor binaries, so that {@code java -jar target/berth.jar} started from the repository root,
 * or from anywhere with the jar still in the repository's target directory, needs no paths spelled out.
 */
@Component
public class NativeBinaries {

	private final Path runtime;

	private final Path monitor;

	public NativeBinaries(RuntimeProperties properties) {
		this.runtime = locate(properties.path(), "berth.runtime.path");
		this.monitor = locate(properties.monitor(), "berth.runtime.monitor");
	}

	public Path runtime() {
		return this.runtime;
	}

	public Path monitor() {
		return this.monitor;
	}

	private static Path locate(String configured, String property) {
		List<Path> candidates = new ArrayList<>();
		if (!configured.contains("/")) {
			for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
				candidates.add(Path.of(dir, configured));
			}
		}
		else if (configured.startsWith("/")) {
			candidates.add(Path.of(configured));
		}
		else {
			candidates.add(Path.of(configured).toAbsolutePath());
			repositoryRoot().ifPresent((root) -> candidates.add(root.resolve(configured)));
		}
		return candidates.stream()
			.filter(Files::isExecutable)
			.findFirst()
			.map(Path::normalize)
			.orElseThrow(() -> new IllegalStateException(
					"Cannot find " + configured + " (" + property + "); build it with `make build`."));
	}

	/** The directory above {@code target/} when running from the built jar. */
	private static Optional<Path> repositoryRoot() {
		try {
			Path code = Path.of(NativeBinaries.class.getProtectionDomain().getCodeSource().getLocation().toURI());
			String s = code.toString();
			int nested = s.indexOf("!");
			Path jar = (nested > 0) ? Path.of(s.substring(0, nested)) : code;
			for (Path p = jar; p != null; p = p.getParent()) {
				if (p.getFileName() != null && p.getFileName().toString().equals("target")) {
					return Optional.ofNullable(p.getParent());
				}
			}
		}
		catch (URISyntaxException | SecurityException | IllegalArgumentException ex) {
			// Running from an unusual class loader; the working directory is still tried.
		}
		return Optional.of(new File(".").toPath().toAbsolutePath());
	}

}
