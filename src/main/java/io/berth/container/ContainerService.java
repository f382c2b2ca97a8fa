package io.berth.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.berth.content.RandomIds;
import io.berth.error.ConflictException;
import io.berth.error.InvalidParameterException;
import io.berth.host.HostInfo;
import io.berth.image.ImageConfig;
import io.berth.image.ImageLookup;
import io.berth.image.ImageUsage;
import io.berth.image.ResolvedImage;
import io.berth.network.NetworkService;
import io.berth.volume.VolumeMounts;
import io.berth.volume.VolumeUsage;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;

/**
 * The container feature's facade, in Docker's verbs. Creation resolves the image and mounts and stores the container;
 * the lifecycle verbs are in {@link ContainerLifecycle}.
 */
@Service
public class ContainerService implements ImageUsage, VolumeUsage {

	private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

	private final ContainerRepository repository;

	private final ObjectProvider<ImageLookup> images;

	private final ObjectProvider<VolumeMounts> volumes;

	private final ContainerEvents events;

	private final HostInfo host;

	private final NetworkService networks;

	private final JsonMapper json = JsonMapper.builder().build();

	ContainerService(ContainerRepository repository, ObjectProvider<ImageLookup> images,
			ObjectProvider<VolumeMounts> volumes, ContainerEvents events, HostInfo host, NetworkService networks) {
		this.repository = repository;
		this.networks = networks;
		this.images = images;
		this.volumes = volumes;
		this.events = events;
		this.host = host;
	}

	/** Creates a container from Docker's create body; the result is its ID. */
	public String createFromDocker(String name, String body) {
		CreateRequestParser.Parsed p = CreateRequestParser.parse(body);
		return create(name, p.spec(), p.hostConfigJson(), p.volumes(), p.exposedPorts(), p.endpoints());
	}

	/** Creates a container; the result is its ID. @throws io.berth.error.NotFoundException for an unknown image */
	public synchronized String create(String requestedName, ContainerSpec spec, String hostConfigJson,
			Set<String> requestVolumes, Map<String, Object> exposedPorts, List<EndpointRequest> endpoints) {
		ContainerName name = (requestedName == null || requestedName.isEmpty()) ? ContainerName.random()
				: new ContainerName(requestedName);
		if (spec.image() == null || spec.image().isEmpty()) {
			throw new InvalidParameterException("No image was specified");
		}
		HostSettingsValidator.validate(spec.host(), this.host.cpus());
		Optional<Container> taken = this.repository.findByName(name.value());
		if (taken.isPresent()) {
			throw new ConflictException("Conflict. The container name \"/" + name.value()
					+ "\" is already in use by container \"" + taken.get().getId()
					+ "\". You have to remove (or rename) that container to be able to reuse that name.");
		}
		List<EndpointRequest> networks = ContainerNetworks.endpointsAtCreate(spec.host().networkMode(), endpoints,
				this.networks);
		ResolvedImage image = imageLookup().resolve(spec.image());
		ImageConfig ic = image.config();
		List<String> entrypoint = (spec.entrypoint() == null) ? ic.entrypoint()
				: spec.entrypoint().stream().filter((s) -> !s.isEmpty()).toList();
		List<String> cmd = (spec.cmd() != null && !spec.cmd().isEmpty()) ? spec.cmd()
				: (spec.entrypoint() == null) ? ic.cmd() : List.of();
		List<String> args = new ArrayList<>(entrypoint);
		args.addAll(cmd);
		if (args.isEmpty()) {
			throw new InvalidParameterException("No command specified");
		}
		String id = newId();
		List<MountPlan> mounts = MountPlanner.plan(spec, ic.volumes(), requestVolumes, this.volumes.getIfAvailable());
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("Hostname", spec.hostname().isEmpty() ? id.substring(0, 12) : spec.hostname());
		config.put("Domainname", spec.domainname());
		config.put("User", spec.user().isEmpty() ? ic.user() : spec.user());
		config.put("AttachStdin", spec.openStdin());
		config.put("AttachStdout", true);
		config.put("AttachStderr", true);
		Map<String, Object> ports = new LinkedHashMap<>();
		ic.exposedPorts().forEach((p) -> ports.put(p, Map.of()));
		ports.putAll(exposedPorts);
		if (!ports.isEmpty()) {
			config.put("ExposedPorts", ports);
		}
		config.put("Tty", spec.tty());
		config.put("OpenStdin", spec.openStdin());
		config.put("StdinOnce", spec.stdinOnce());
		config.put("Env", mergeEnv(ic.env(), spec.env()));
		config.put("Cmd", cmd.isEmpty() ? null : cmd);
		config.put("Image", spec.image());
		Set<String> vols = new LinkedHashSet<>(ic.volumes());
		vols.addAll(requestVolumes);
		Map<String, Object> volumeMap = new LinkedHashMap<>();
		vols.forEach((v) -> volumeMap.put(v, Map.of()));
		config.put("Volumes", volumeMap.isEmpty() ? null : volumeMap);
		config.put("WorkingDir", spec.workingDir().isEmpty() ? ic.workingDir() : spec.workingDir());
		config.put("Entrypoint", entrypoint.isEmpty() ? null : entrypoint);
		config.put("OnBuild", null);
		Map<String, String> labels = new LinkedHashMap<>(ic.labels());
		labels.putAll(spec.labels());
		config.put("Labels", labels);
		String stopSignal = spec.stopSignal().isEmpty() ? ic.stopSignal() : spec.stopSignal();
		if (!stopSignal.isEmpty()) {
			config.put("StopSignal", stopSignal);
		}
		if (spec.stopTimeout() != null) {
			config.put("StopTimeout", spec.stopTimeout());
		}
		Container c = new Container(id, name.value(), spec.image(), image.id(), this.json.writeValueAsString(config),
				hostConfigJson, this.json.writeValueAsString(args), this.json.writeValueAsString(mounts));
		this.repository.save(c);
		try {
			for (EndpointRequest e : networks) {
				this.networks.connect(id, name.value(), e.network(), e.aliases(), e.ipv4());
			}
		}
		catch (RuntimeException ex) {
			this.networks.release(id);
			this.repository.delete(c);
			throw ex;
		}
		this.events.publish(c, "create");
		return id;
	}

	private ImageLookup imageLookup() {
		ImageLookup lookup = this.images.getIfAvailable();
		if (lookup == null) {
			throw new io.berth.error.UnavailableException("images are not available");
		}
		return lookup;
	}

	static List<String> mergeEnv(List<String> imageEnv, List<String> requestEnv) {
		Map<String, String> env = new LinkedHashMap<>();
		for (String e : imageEnv) {
			env.put(key(e), e);
		}
		for (String e : requestEnv) {
			env.put(key(e), e);
		}
		if (!env.containsKey("PATH")) {
			Map<String, String> withPath = new LinkedHashMap<>();
			withPath.put("PATH", DEFAULT_PATH);
			withPath.putAll(env);
			env = withPath;
		}
		return List.copyOf(env.values());
	}

	private static String key(String env) {
		int eq = env.indexOf('=');
		return (eq < 0) ? env : env.substring(0, eq);
	}

	private static String newId() {
		return RandomIds.next();
	}

	/**
	 * Finds a container by full ID, name (with or without the leading slash) or unique ID prefix.
	 * @throws ContainerNotFoundException with dockerd's wording
	 */
	public Container get(String ref) {
		return find(ref).orElseThrow(() -> new ContainerNotFoundException(ref));
	}

	public Optional<Container> find(String ref) {
		if (ref == null || ref.isEmpty()) {
			return Optional.empty();
		}
		Optional<Container> byId = this.repository.findById(ref);
		if (byId.isPresent()) {
			return byId;
		}
		Optional<Container> byName = this.repository.findByName(ref.startsWith("/") ? ref.substring(1) : ref);
		if (byName.isPresent()) {
			return byName;
		}
		if (ref.matches("[0-9a-f]{1,63}")) {
			List<Container> matches = this.repository.findByIdStartingWith(ref);
			if (matches.size() > 1) {
				throw new InvalidParameterException("multiple containers found with provided prefix: " + ref);
			}
			return matches.stream().findFirst();
		}
		return Optional.empty();
	}

	public List<Container> list() {
		return this.repository.findAllByOrderByCreatedDesc();
	}

	public synchronized void rename(String ref, String newName) {
		Container c = get(ref);
		ContainerName name = new ContainerName(newName);
		Optional<Container> taken = this.repository.findByName(name.value());
		if (taken.isPresent() && !taken.get().getId().equals(c.getId())) {
			throw new ConflictException("Error when allocating new name: Conflict. The container name \"/"
					+ name.value() + "\" is already in use by container \"" + taken.get().getId()
					+ "\". You have to remove (or rename) that container to be able to reuse that name.");
		}
		String old = c.getName();
		c.rename(name.value());
		this.repository.save(c);
		this.networks.rename(c.getId(), name.value());
		this.events.publish(c, "rename", Map.of("oldName", "/" + old));
	}

	public List<MountPlan> mounts(Container c) {
		return this.json.readValue(c.getMounts(), new TypeReference<List<MountPlan>>() {
		});
	}

	public Map<String, Object> config(Container c) {
		return this.json.readValue(c.getConfig(), new TypeReference<Map<String, Object>>() {
		});
	}

	public List<String> args(Container c) {
		return this.json.readValue(c.getArgs(), new TypeReference<List<String>>() {
		});
	}

	@Override
	public Optional<String> containerUsing(String imageId) {
		return this.repository.findByImageId(imageId).stream().map(Container::getId).findFirst();
	}

	@Override
	public List<String> containersUsing(String volumeName) {
		List<String> users = new ArrayList<>();
		for (Container c : this.repository.findAll()) {
			if (mounts(c).stream().anyMatch((m) -> m.type().equals("volume") && m.name().equals(volumeName))) {
				users.add(c.getId());
			}
		}
		return users;
	}

	void save(Container c) {
		this.repository.save(c);
	}

	void delete(Container c) {
		this.repository.delete(c);
	}

	Optional<Container> reload(String id) {
		return this.repository.findById(id);
	}

	List<Container> active() {
		return this.repository.findByStateIn(
				List.of(ContainerState.RUNNING, ContainerState.PAUSED, ContainerState.RESTARTING));
	}

	ContainerEvents events() {
		return this.events;
	}

	VolumeMounts volumeMounts() {
		return this.volumes.getIfAvailable();
	}

	ImageLookup images() {
		return imageLookup();
	}

	/** The ports the container publishes while it runs; empty when it does not run or publishes none. */
	public List<PublishedPort> publishedPorts(Container c) {
		return PortPublisher.fromJson(c.getPublishedPorts());
	}

	/** The {@code 80/tcp} keys of the ports the container's config exposes. */
	public java.util.Set<String> exposedPorts(Container c) {
		return PortPublisher.exposedPorts(config(c));
	}

	/** The container's network: {@code bridge} (the default), {@code host} or {@code none}. */
	public String networkMode(Container c) {
		return CreateRequestParser.hostSettings(c.getHostConfig()).networkMode();
	}

}
