package io.berth.volume;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.berth.content.RandomIds;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotFoundException;
import io.berth.error.SystemException;
import io.berth.events.EventPublisher;
import io.berth.paths.EnginePaths;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.domain.Sort;
import org.springframework.stereotype.Service;

/**
 * Volumes with the local driver: create, list, inspect, remove, prune, and the host directory a container mounts.
 * Each change publishes dockerd's volume event ({@code create}, {@code destroy}).
 */
@Service
public class VolumeService implements VolumeMounts {

	static final String LOCAL = "local";

	/** The label dockerd 23+ puts on anonymous volumes; kept so that newer clients recognise them. */
	static final String ANONYMOUS_LABEL = "com.docker.volume.anonymous";

	private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

	private static final Set<String> OPTION_KEYS = Set.of("type", "device", "o");

	private static final Log logger = LogFactory.getLog(VolumeService.class);

	private final VolumeRepository repository;

	private final EnginePaths paths;

	private final EventPublisher events;

	private final ObjectProvider<VolumeUsage> usage;

	/** Serialises changes to the set of volumes; never held while asking the container feature anything. */
	private final Object lock = new Object();

	VolumeService(VolumeRepository repository, EnginePaths paths, EventPublisher events,
			ObjectProvider<VolumeUsage> usage) {
		this.repository = repository;
		this.paths = paths;
		this.events = events;
		this.usage = usage;
	}

	/**
	 * Creates a volume, or returns the existing one of that name as dockerd does.
	 * @param name empty for a generated 64-hex name
	 * @throws InvalidParameterException for a name outside {@code [a-zA-Z0-9][a-zA-Z0-9_.-]+} or an unknown option
	 * @throws NotFoundException for a driver other than {@code local}
	 */
	public VolumeInfo create(@Nullable String name, @Nullable String driver, Map<String, String> driverOpts,
			Map<String, String> labels) {
		String n = (name == null || name.isEmpty()) ? generateName() : name;
		String d = (driver == null || driver.isEmpty()) ? LOCAL : driver;
		if (!d.equals(LOCAL)) {
			throw new NotFoundException("error looking up volume plugin " + d + ": plugin \"" + d + "\" not found");
		}
		validateName(n);
		validateOptions(driverOpts);
		return info(findOrCreate(n, clean(labels), clean(driverOpts), false));
	}

	/** Every volume matching the filters, by name. */
	public List<VolumeInfo> list(Map<String, List<String>> filters) {
		VolumeFilter filter = VolumeFilter.forList(filters);
		List<VolumeInfo> result = new ArrayList<>();
		for (Volume v : this.repository.findAll(Sort.by("name"))) {
			VolumeInfo info = info(v);
			if (filter.matches(info, filter.needsUsage() && !users(v.name()).isEmpty())) {
				result.add(info);
			}
		}
		return result;
	}

	/** @throws VolumeNotFoundException if there is no volume of that name */
	public VolumeInfo inspect(String name) {
		return info(find(name).orElseThrow(() -> new VolumeNotFoundException(name)));
	}

	/**
	 * Removes a volume and its data.
	 * @param force succeed when the volume does not exist
	 * @throws VolumeNotFoundException if it does not exist and {@code force} is false
	 * @throws VolumeInUseException if containers use it, even with {@code force}, as in dockerd
	 */
	public void remove(String name, boolean force) {
		Optional<Volume> volume = find(name);
		if (volume.isEmpty()) {
			if (force) {
				return;
			}
			throw new VolumeNotFoundException(name);
		}
		List<String> users = users(name);
		if (!users.isEmpty()) {
			throw new VolumeInUseException(name, users);
		}
		delete(volume.get());
	}

	/**
	 * Removes every local volume no container uses and that matches the {@code label}/{@code label!} filters; at API
	 * 1.41 that includes named volumes (dockerd 23 and API 1.42 narrowed it to anonymous ones).
	 */
	public VolumePruneResult prune(Map<String, List<String>> filters) {
		VolumeFilter filter = VolumeFilter.forPrune(filters);
		List<String> deleted = new ArrayList<>();
		long reclaimed = 0;
		for (Volume v : this.repository.findAll(Sort.by("name"))) {
			if (!v.driver().equals(LOCAL) || !filter.matches(info(v), false) || !users(v.name()).isEmpty()) {
				continue;
			}
			long size = DirectorySize.of(dataDir(v.name()));
			try {
				delete(v);
				deleted.add(v.name());
				reclaimed += size;
			}
			catch (RuntimeException ex) {
				// As dockerd: one volume that cannot go does not stop the others.
				logger.warn("Cannot prune volume " + v.name() + ": " + ex.getMessage());
			}
		}
		return new VolumePruneResult(deleted, reclaimed);
	}

	/** Every volume with its size on disk and how many containers use it, for {@code system df}. */
	public List<VolumeDiskUsage> diskUsage() {
		return this.repository.findAll(Sort.by("name"))
			.stream()
			.map((v) -> new VolumeDiskUsage(info(v), DirectorySize.of(dataDir(v.name())), users(v.name()).size()))
			.toList();
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * An empty name generates one; as the result is {@code volumes/<name>/_data}, the caller learns the name from
	 * {@code path.getParent().getFileName()}. A volume with mount options is mounted here if it is not yet.
	 */
	@Override
	public Path prepare(String name, boolean anonymous) {
		String n = (name == null || name.isEmpty()) ? generateName() : name;
		validateName(n);
		Map<String, String> labels = anonymous ? Map.of(ANONYMOUS_LABEL, "") : Map.of();
		Volume volume = findOrCreate(n, labels, Map.of(), anonymous);
		Path data = dataDir(n);
		try {
			Files.createDirectories(data);
		}
		catch (IOException ex) {
			throw new SystemException("cannot create the data directory of volume " + n + ": " + ex.getMessage(), ex);
		}
		LocalMounts.mount(data, volume.options());
		return data;
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Call it once the container is gone: a volume that some container still uses stays, as does a named one.
	 */
	@Override
	public void removeAnonymous(String name) {
		Optional<Volume> volume = find(name);
		if (volume.isPresent() && volume.get().anonymous() && users(name).isEmpty()) {
			delete(volume.get());
		}
	}

	private Volume findOrCreate(String name, Map<String, String> labels, Map<String, String> options,
			boolean anonymous) {
		synchronized (this.lock) {
			Optional<Volume> existing = this.repository.findById(name);
			if (existing.isPresent()) {
				return existing.get();
			}
			Path data = dataDir(name);
			try {
				Files.createDirectories(data);
			}
			catch (IOException ex) {
				throw new SystemException("create " + name + ": " + ex.getMessage(), ex);
			}
			Volume volume = this.repository
				.save(new Volume(name, labels, options, Instant.now().truncatedTo(ChronoUnit.SECONDS), anonymous));
			this.events.publish("volume", "create", name, Map.of("driver", volume.driver()));
			return volume;
		}
	}

	/** Data first, then the record: a removal that fails half way leaves a volume that can be removed again. */
	private void delete(Volume volume) {
		synchronized (this.lock) {
			Path dir = this.paths.volumes().resolve(volume.name());
			LocalMounts.unmount(dir.resolve("_data"));
			try {
				deleteTree(dir);
			}
			catch (IOException ex) {
				throw new SystemException("remove " + volume.name() + ": " + ex.getMessage(), ex);
			}
			this.repository.deleteById(volume.name());
			this.events.publish("volume", "destroy", volume.name(), Map.of("driver", volume.driver()));
		}
	}

	private Optional<Volume> find(String name) {
		// Names that cannot be volumes (docker inspect probes with any string) are simply not found.
		return NAME.matcher(name).matches() ? this.repository.findById(name) : Optional.empty();
	}

	private List<String> users(String name) {
		VolumeUsage u = this.usage.getIfAvailable();
		return (u != null) ? u.containersUsing(name) : List.of();
	}

	private VolumeInfo info(Volume v) {
		return new VolumeInfo(v.name(), v.driver(), dataDir(v.name()), v.createdAt(), v.labels(), v.options(),
				v.anonymous());
	}

	private Path dataDir(String name) {
		return this.paths.volumes().resolve(name).resolve("_data");
	}

	private static void validateName(String name) {
		if (!NAME.matcher(name).matches()) {
			throw new InvalidParameterException("create " + name + ": \"" + name
					+ "\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\""
					+ " are allowed. If you intended to pass a host directory, use absolute path");
		}
	}

	private static void validateOptions(Map<String, String> options) {
		for (String key : options.keySet()) {
			if (!OPTION_KEYS.contains(key)) {
				throw new InvalidParameterException("invalid option: \"" + key + "\"");
			}
		}
		if (LocalMounts.needsMount(options)) {
			for (String required : List.of("type", "device")) {
				if (!options.containsKey(required)) {
					throw new InvalidParameterException("missing required option: \"" + required + "\"");
				}
			}
		}
	}

	/** Clients send null label values now and then; dockerd stores them as empty strings. */
	private static Map<String, String> clean(@Nullable Map<String, String> map) {
		Map<String, String> result = new LinkedHashMap<>();
		if (map != null) {
			map.forEach((k, v) -> result.put(k, (v != null) ? v : ""));
		}
		return result;
	}

	private static String generateName() {
		return RandomIds.next();
	}

	private static void deleteTree(Path dir) throws IOException {
		if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		// walkFileTree does not follow symbolic links, so a link in a volume never leads the removal outside it.
		Files.walkFileTree(dir, new SimpleFileVisitor<>() {

			@Override
			public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
				Files.deleteIfExists(file);
				return FileVisitResult.CONTINUE;
			}

			@Override
			public FileVisitResult postVisitDirectory(Path d, @Nullable IOException ex) throws IOException {
				if (ex != null && !(ex instanceof NoSuchFileException)) {
					throw ex;
				}
				Files.deleteIfExists(d);
				return FileVisitResult.CONTINUE;
			}

		});
	}

}
