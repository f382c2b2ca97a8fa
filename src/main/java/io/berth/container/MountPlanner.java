package io.berth.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.berth.content.RandomIds;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotImplementedException;
import io.berth.volume.VolumeMounts;

/**
 * Resolves {@code -v}, {@code --tmpfs} and the image's and the request's anonymous volumes into {@link MountPlan}s,
 * refusing what dockerd refuses: relative or escaping destinations, missing bind sources, unknown modes.
 */
final class MountPlanner {

	private static final Set<String> MODES = Set.of("ro", "rw", "z", "Z", "nocopy", "private", "rprivate", "shared",
			"rshared", "slave", "rslave", "consistent", "cached", "delegated");

	private MountPlanner() {
	}

	static List<MountPlan> plan(ContainerSpec spec, Set<String> imageVolumes, Set<String> requestVolumes,
			VolumeMounts volumes) {
		Map<String, MountPlan> byDestination = new LinkedHashMap<>();
		for (String bind : spec.host().binds()) {
			MountPlan p = bind(bind, volumes);
			if (byDestination.put(p.destination(), p) != null) {
				throw new InvalidParameterException("Duplicate mount point: " + p.destination());
			}
		}
		for (Map.Entry<String, String> t : spec.host().tmpfs().entrySet()) {
			String dest = destination(t.getKey());
			List<String> options = new ArrayList<>(List.of("nosuid", "nodev", "noexec"));
			if (!t.getValue().isEmpty()) {
				options.addAll(List.of(t.getValue().split(",")));
			}
			if (byDestination.put(dest, new MountPlan("tmpfs", "", "tmpfs", dest, options, false, false)) != null) {
				throw new InvalidParameterException("Duplicate mount point: " + dest);
			}
		}
		List<String> anonymous = new ArrayList<>(imageVolumes);
		anonymous.addAll(requestVolumes);
		for (String v : anonymous) {
			String dest = destination(v);
			if (!byDestination.containsKey(dest)) {
				String name = RandomIds.next();
				Path data = require(volumes).prepare(name, true);
				byDestination.put(dest, new MountPlan("volume", name, data.toString(), dest,
						List.of("rbind", "rprivate"), false, true));
			}
		}
		return List.copyOf(byDestination.values());
	}

	private static MountPlan bind(String bind, VolumeMounts volumes) {
		String[] parts = bind.split(":");
		if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty()) {
			throw new InvalidParameterException("invalid volume specification: '" + bind + "'");
		}
		String source = parts[0];
		String dest = destination(parts[1]);
		boolean readOnly = false;
		String propagation = "rprivate";
		if (parts.length == 3) {
			for (String mode : parts[2].split(",")) {
				if (!MODES.contains(mode)) {
					throw new InvalidParameterException("invalid mode: " + mode);
				}
				if (mode.equals("ro")) {
					readOnly = true;
				}
				else if (mode.endsWith("private") || mode.endsWith("shared") || mode.endsWith("slave")) {
					propagation = mode;
				}
			}
		}
		List<String> options = new ArrayList<>(List.of("rbind", propagation));
		if (readOnly) {
			options.add("ro");
		}
		if (source.startsWith("/")) {
			Path src = Path.of(source).normalize();
			if (!Files.exists(src)) {
				throw new InvalidParameterException(
						"invalid mount config for type \"bind\": bind source path does not exist: " + source);
			}
			return new MountPlan("bind", "", src.toString(), dest, options, readOnly, false);
		}
		if (!source.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]+")) {
			throw new InvalidParameterException("create " + source
					+ ": includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed."
					+ " If you intended to pass a host directory, use absolute path");
		}
		Path data = require(volumes).prepare(source, false);
		return new MountPlan("volume", source, data.toString(), dest, options, readOnly, false);
	}

	/** An absolute, clean path inside the container; ".." may not climb above its root. */
	static String destination(String raw) {
		if (!raw.startsWith("/")) {
			throw new InvalidParameterException("invalid mount config: mount path must be absolute: " + raw);
		}
		int depth = 0;
		List<String> parts = new ArrayList<>();
		for (String part : raw.split("/")) {
			if (part.isEmpty() || part.equals(".")) {
				continue;
			}
			if (part.equals("..")) {
				if (--depth < 0) {
					throw new InvalidParameterException(
							"invalid mount config: destination " + raw + " escapes the container root");
				}
				parts.remove(parts.size() - 1);
				continue;
			}
			depth++;
			parts.add(part);
		}
		if (parts.isEmpty()) {
			throw new InvalidParameterException("invalid mount config: destination can't be '/'");
		}
		return "/" + String.join("/", parts);
	}

	private static VolumeMounts require(VolumeMounts volumes) {
		if (volumes == null) {
			throw new NotImplementedException("volumes are not available");
		}
		return volumes;
	}

}
