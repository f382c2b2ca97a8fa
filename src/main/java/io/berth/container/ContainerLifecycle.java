package io.berth.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.berth.error.ConflictException;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotModifiedException;
import io.berth.error.SystemException;
import io.berth.image.ResolvedImage;
import io.berth.network.NetworkAttachment;
import io.berth.network.NetworkService;
import io.berth.network.PortRule;
import io.berth.paths.EnginePaths;
import io.berth.runtime.ExitRecord;
import io.berth.runtime.MonitorClient;
import io.berth.runtime.MonitorSpec;
import io.berth.runtime.RuntimeClient;
import io.berth.runtime.RuntimeCommandException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Starts, stops and watches containers. Each running container has a berth-monitor; the engine keeps one connection
 * open to it, which the monitor closes when the container exits, so exits arrive without polling. Containers outlive
 * the engine, and at start-up the engine reattaches to every monitor that is still there.
 */
@Service
public class ContainerLifecycle {

	private static final Log logger = LogFactory.getLog(ContainerLifecycle.class);

	private static final int DEFAULT_STOP_TIMEOUT = 10;

	private final ContainerService containers;

	private final MonitorClient monitors;

	private final RuntimeClient runtime;

	private final EnginePaths paths;

	private final BundleWriter bundles;

	private final NetworkService networks;

	private final PortPublisher ports;

	private final RemovedContainers removedContainers;

	private final Map<String, LiveState> live = new ConcurrentHashMap<>();

	private final Map<String, Object> locks = new ConcurrentHashMap<>();

	private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor((r) -> {
		Thread t = new Thread(r, "container-restarts");
		t.setDaemon(true);
		return t;
	});

	private final JsonMapper json = JsonMapper.builder().build();

	ContainerLifecycle(ContainerService containers, MonitorClient monitors, RuntimeClient runtime, EnginePaths paths,
			BundleWriter bundles, NetworkService networks, PortPublisher ports, RemovedContainers removedContainers) {
		this.removedContainers = removedContainers;
		this.networks = networks;
		this.ports = ports;
		this.containers = containers;
		this.monitors = monitors;
		this.runtime = runtime;
		this.paths = paths;
		this.bundles = bundles;
	}

	Object lock(String id) {
		return this.locks.computeIfAbsent(id, (k) -> new Object());
	}

	LiveState live(String id) {
		return this.live.computeIfAbsent(id, (k) -> new LiveState());
	}

	public Path monitorSocket(Container c) {
		return this.monitors.socketOf(c.getId());
	}

	public void start(String ref) {
		Container c = this.containers.get(ref);
		synchronized (lock(c.getId())) {
			c = this.containers.get(c.getId());
			switch (c.getState()) {
				case RUNNING -> throw new NotModifiedException("container already started");
				case PAUSED -> throw new ConflictException("cannot start a paused container, try unpause instead");
				case REMOVING -> throw new ConflictException("container is marked for removal and cannot be started");
				default -> {
				}
			}
			c.resetRestartCount();
			try {
				doStart(c);
			}
			catch (RuntimeException ex) {
				if (autoRemove(c)) {
					removeStopped(this.containers.reload(c.getId()).orElse(c), true, true);
				}
				throw ex;
			}
		}
	}

	/** Launches the monitor, lets waiting attach requests connect, then starts the process. Caller holds the lock. */
	private void doStart(Container c) {
		ContainerFiles files = ContainerFiles.of(this.paths, c.getId());
		ResolvedImage image = this.containers.images().resolve(c.getImageId());
		ContainerSpec.HostSettings host = this.bundles.hostSettings(c);
		boolean tty = Boolean.TRUE.equals(this.containers.config(c).get("Tty"));
		boolean openStdin = Boolean.TRUE.equals(this.containers.config(c).get("OpenStdin"));
		boolean stdinOnce = Boolean.TRUE.equals(this.containers.config(c).get("StdinOnce"));
		Path socket = this.monitors.socketOf(c.getId());
		List<NetworkAttachment> nets = ContainerNetworks.joinsNetworks(host.networkMode())
				? this.networks.prepareStart(c.getId(), c.getName(), host.networkMode()) : List.of();
		JoinedNetwork joined = joinedNetwork(c, host);
		List<PublishedPort> ports = this.ports.resolve(host, this.containers.config(c));
		List<String> netArgs = new ArrayList<>();
		boolean routed = false;
		for (NetworkAttachment a : nets) {
			// The first network that reaches outside the host carries the default route, as with dockerd.
			netArgs.add(a.monitorSpec(!routed && !a.internal()));
			routed |= !a.internal();
		}
		String address = nets.isEmpty() ? null : nets.get(0).address();
		Path netns = (host.networkMode().equals("host") || joined != null) ? null : files.netns();
		int pid;
		try {
			this.bundles.write(c, files, image, host, nets.isEmpty() ? null : nets.get(0),
					this.networks.usesEmbeddedDns(c.getId()), joined);
			pid = this.monitors.launch(new MonitorSpec(c.getId(), files.bundle(), files.log(), files.exitFile(), socket,
					tty, openStdin, stdinOnce, image.layerDirs(), files.upper(), files.work(), netns, netArgs,
					ports.stream().map((p) -> p.monitorSpec(address)).toList()));
		}
		catch (RuntimeCommandException ex) {
			c.failedToStart(ex.getMessage(), 127);
			this.containers.save(c);
			throw new SystemException("failed to create the container: " + ex.getMessage(), ex);
		}
		this.networks.up(c.getId(), netns, portRules(ports, address), host.dns());
		LiveState state = live(c.getId());
		connectPendingAttaches(state, socket);
		try {
			this.monitors.request(socket, "START");
		}
		catch (RuntimeCommandException ex) {
			c.failedToStart(ex.getMessage(), 127);
			this.containers.save(c);
			throw new SystemException("failed to start the container: " + ex.getMessage(), ex);
		}
		c.started(pid, Instant.now(), PortPublisher.toJson(ports));
		this.containers.save(c);
		this.containers.events().publish(c, "start");
		watch(c.getId(), socket);
	}

	/**
	 * For {@code --network container:X}: the namespace of X, which must be running, and the files it resolves
	 * names with; null for every other mode. X may itself share the host's namespace or join another's.
	 */
	private JoinedNetwork joinedNetwork(Container c, ContainerSpec.HostSettings host) {
		String mode = host.networkMode();
		if (!mode.startsWith("container:")) {
			return null;
		}
		Container target = this.containers.get(mode.substring("container:".length()));
		if (target.getId().equals(c.getId())) {
			throw new InvalidParameterException("cannot join own network");
		}
		if (target.getState() != ContainerState.RUNNING && target.getState() != ContainerState.PAUSED) {
			throw new ConflictException("cannot join network of a non running container: " + target.getId());
		}
		ContainerSpec.HostSettings targetHost = this.bundles.hostSettings(target);
		ContainerFiles targetFiles = ContainerFiles.of(this.paths, target.getId());
		if (targetHost.networkMode().startsWith("container:")) {
			JoinedNetwork further = joinedNetwork(target, targetHost);
			return new JoinedNetwork(further.netnsPath(), targetFiles);
		}
		return new JoinedNetwork(targetHost.networkMode().equals("host") ? null : targetFiles.netns().toString(),
				targetFiles);
	}

	private void connectPendingAttaches(LiveState state, Path socket) {
		List<PendingAttach> pending = new ArrayList<>(state.pendingAttaches);
		state.pendingAttaches.clear();
		for (PendingAttach p : pending) {
			p.ready().complete(socket);
		}
		for (PendingAttach p : pending) {
			try {
				p.connected().get(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (ExecutionException | TimeoutException ex) {
				// The client went away; the container starts without it.
			}
		}
	}

	/** An attach request that came before the container started. */
	public record PendingAttach(CompletableFuture<Path> ready, CompletableFuture<Void> connected) {
	}

	/**
	 * Registers an attach for a container that is not running yet; its future completes with the monitor's socket
	 * when the container starts. For a running container it completes at once.
	 */
	public PendingAttach attachWhenStarted(Container c) {
		PendingAttach p = new PendingAttach(new CompletableFuture<>(), new CompletableFuture<>());
		synchronized (lock(c.getId())) {
			Container now = this.containers.get(c.getId());
			if (now.getState().isActive()) {
				p.ready().complete(this.monitors.socketOf(now.getId()));
			}
			else {
				live(now.getId()).pendingAttaches.add(p);
			}
		}
		return p;
	}

	private void watch(String id, Path socket) {
		LiveState state = live(id);
		SocketChannel ch;
		try {
			ch = this.monitors.attach(socket, false, false, false);
		}
		catch (IOException ex) {
			// The monitor is already gone: the container has exited.
			this.restarts.execute(() -> onExit(id));
			return;
		}
		state.watch = ch;
		Thread t = new Thread(() -> {
			ByteBuffer buf = ByteBuffer.allocate(64);
			try (ch) {
				while (ch.read(buf.clear()) >= 0) {
					// A bare ATTACH carries no data; the connection closing is the exit.
				}
			}
			catch (IOException ex) {
				// Treated as an exit: the exit file says what really happened.
			}
			onExit(id);
		}, "exit-watch-" + id.substring(0, 12));
		t.setDaemon(true);
		t.start();
	}

	private void onExit(String id) {
		synchronized (lock(id)) {
			Container c = this.containers.reload(id).orElse(null);
			if (c == null || !(c.getState().isActive() || c.getState() == ContainerState.REMOVING)) {
				return;
			}
			// The frozen processes are gone; a copy still running must not thaw a later run of the container.
			live(id).frozenForCopies = false;
			ContainerFiles files = ContainerFiles.of(this.paths, id);
			ExitRecord rec = awaitExitRecord(files.exitFile())
				.orElse(new ExitRecord(255, 0, false, Instant.EPOCH, Instant.now()));
			boolean removing = c.getState() == ContainerState.REMOVING;
			c.exited(rec.exitCode(), rec.oomKilled(), rec.finishedAt());
			this.containers.save(c);
			this.containers.events().publish(c, "die", Map.of("exitCode", Integer.toString(rec.exitCode())));
			live(id).completeExit(new ExitStatus(rec.exitCode(), null));
			// After the exit is on record, which must not wait on the network lock: its DNS socket holds the
			// namespace, and so the veth, until closed.
			this.networks.down(id);
			if (removing) {
				return;
			}
			if (autoRemove(c)) {
				try {
					removeStopped(c, true, true);
				}
				catch (RuntimeException ex) {
					logger.error("cannot remove " + id + " after it exited: " + ex.getMessage());
					live(id).removed.complete(new ExitStatus(c.getExitCode(), ex.getMessage()));
				}
			}
			else if (shouldRestart(c)) {
				c.restarting();
				this.containers.save(c);
				long delay = Math.min(100L << Math.min(c.getRestartCount(), 10), 60_000L);
				this.restarts.schedule(() -> restartAfterPolicy(id), delay, TimeUnit.MILLISECONDS);
			}
		}
	}

	/**
	 * The monitor writes the exit record last, after unmounting and deleting, and it may close its socket a moment
	 * before; so wait for the file (on inotify, bounded) rather than read a record that is not there yet.
	 */
	Optional<ExitRecord> awaitExitRecord(Path exitFile) {
		Optional<ExitRecord> rec = this.monitors.readExit(exitFile);
		if (rec.isPresent()) {
			return rec;
		}
		try (WatchService watch = exitFile.getFileSystem().newWatchService()) {
			// The monitor renames the record into place, which inotify reports as a creation.
			exitFile.getParent().register(watch, StandardWatchEventKinds.ENTRY_CREATE);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while ((rec = this.monitors.readExit(exitFile)).isEmpty()) {
				long left = deadline - System.nanoTime();
				WatchKey key = (left > 0) ? watch.poll(left, TimeUnit.NANOSECONDS) : null;
				if (key == null) {
					return this.monitors.readExit(exitFile);
				}
				key.pollEvents();
				key.reset();
			}
			return rec;
		}
		catch (IOException ex) {
			return this.monitors.readExit(exitFile);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	private void restartAfterPolicy(String id) {
		synchronized (lock(id)) {
			Container c = this.containers.reload(id).orElse(null);
			if (c == null || c.getState() != ContainerState.RESTARTING) {
				return;
			}
			try {
				doStart(c);
			}
			catch (RuntimeException ex) {
				logger.warn("restart of " + id + " failed: " + ex.getMessage());
			}
		}
	}

	private boolean shouldRestart(Container c) {
		ContainerSpec.RestartPolicy policy = this.bundles.hostSettings(c).restartPolicy();
		return switch (policy.name()) {
			case "always" -> !c.isStoppedByUser();
			case "unless-stopped" -> !c.isStoppedByUser();
			case "on-failure" -> !c.isStoppedByUser() && c.getExitCode() != 0
					&& (policy.maximumRetryCount() == 0 || c.getRestartCount() < policy.maximumRetryCount());
			default -> false;
		};
	}

	private boolean autoRemove(Container c) {
		return this.bundles.hostSettings(c).autoRemove();
	}

	public void stop(String ref, Integer timeoutSeconds) {
		Container c = this.containers.get(ref);
		CompletableFuture<ExitStatus> exit;
		int timeout;
		String signal;
		synchronized (lock(c.getId())) {
			c = this.containers.get(c.getId());
			if (c.getState() == ContainerState.RESTARTING) {
				c.stopRequested();
				c.exited(c.getExitCode(), false, Instant.now());
				this.containers.save(c);
				return;
			}
			if (!c.getState().isActive()) {
				throw new NotModifiedException("container already stopped");
			}
			c.stopRequested();
			this.containers.save(c);
			Map<String, Object> config = this.containers.config(c);
			Object configured = config.get("StopTimeout");
			timeout = (timeoutSeconds != null) ? timeoutSeconds
					: (configured instanceof Number n) ? n.intValue() : DEFAULT_STOP_TIMEOUT;
			signal = (config.get("StopSignal") instanceof String s && !s.isEmpty()) ? s : "SIGTERM";
			exit = live(c.getId()).nextExit;
			endCopyFreeze(c.getId());
			if (c.getState() == ContainerState.PAUSED) {
				this.runtime.resume(c.getId());
			}
			signal(c, Signals.parse(signal), false);
		}
		if (!awaitExit(exit, timeout)) {
			signal(c, 9, true);
			awaitExit(exit, 30);
		}
		this.containers.events().publish(this.containers.get(c.getId()), "stop");
	}

	private void signal(Container c, int sig, boolean all) {
		try {
			this.runtime.kill(c.getId(), sig, all);
			this.containers.events().publish(c, "kill", Map.of("signal", Integer.toString(sig)));
		}
		catch (RuntimeCommandException ex) {
			// The process may have exited between the state check and the signal.
			logger.debug("signal " + sig + " to " + c.getId() + ": " + ex.getMessage());
		}
	}

	private static boolean awaitExit(CompletableFuture<ExitStatus> exit, int seconds) {
		try {
			exit.get(Math.max(seconds, 0), TimeUnit.SECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		catch (ExecutionException ex) {
			return true;
		}
	}

	public void kill(String ref, String signalName) {
		int sig = Signals.parse((signalName == null || signalName.isEmpty()) ? "KILL" : signalName);
		Container c = this.containers.get(ref);
		synchronized (lock(c.getId())) {
			c = this.containers.get(c.getId());
			if (c.getState() != ContainerState.RUNNING && c.getState() != ContainerState.PAUSED) {
				throw new ConflictException("Cannot kill container: " + ref + ": Container " + c.getId()
						+ " is not running");
			}
			if (sig == 9 || sig == 15 || sig == 2) {
				c.stopRequested();
				this.containers.save(c);
			}
			endCopyFreeze(c.getId());
			try {
				this.runtime.kill(c.getId(), sig, false);
			}
			catch (RuntimeCommandException ex) {
				throw new ConflictException("Cannot kill container: " + ref + ": " + ex.getMessage());
			}
			this.containers.events().publish(c, "kill", Map.of("signal", Integer.toString(sig)));
		}
	}

	public void restart(String ref, Integer timeoutSeconds) {
		try {
			stop(ref, timeoutSeconds);
		}
		catch (NotModifiedException ex) {
			// Restarting a stopped container just starts it.
		}
		start(ref);
		this.containers.events().publish(this.containers.get(ref), "restart");
	}

	public void pause(String ref) {
		Container c = this.containers.get(ref);
		synchronized (lock(c.getId())) {
			c = this.containers.get(c.getId());
			if (c.getState() == ContainerState.PAUSED) {
				throw new ConflictException("Container " + c.getId() + " is already paused");
			}
			if (c.getState() != ContainerState.RUNNING) {
				throw new ConflictException("Container " + c.getId() + " is not running");
			}
			LiveState state = live(c.getId());
			if (state.frozenForCopies) {
				// Already frozen for a copy, which from now on leaves the freeze to the user.
				state.frozenForCopies = false;
			}
			else {
				this.runtime.pause(c.getId());
			}
			c.paused();
			this.containers.save(c);
			this.containers.events().publish(c, "pause");
		}
	}

	public void unpause(String ref) {
		Container c = this.containers.get(ref);
		synchronized (lock(c.getId())) {
			c = this.containers.get(c.getId());
			if (c.getState() != ContainerState.PAUSED) {
				throw new ConflictException("Container " + c.getId() + " is not paused");
			}
			LiveState state = live(c.getId());
			if (state.copies > 0) {
				// A copy still reads or writes its files: the last one to finish thaws it.
				state.frozenForCopies = true;
			}
			else {
				this.runtime.resume(c.getId());
			}
			c.unpaused();
			this.containers.save(c);
			this.containers.events().publish(c, "unpause");
		}
	}

	/** Keeps a container frozen for a copy until closed. */
	@FunctionalInterface
	interface CopyFreeze extends AutoCloseable {

		@Override
		void close();

	}

	/**
	 * Freezes a running container while {@code docker cp} resolves and copies its paths, as dockerd does since
	 * CVE-2018-15664, so that no process in it can swap a path component for a symlink halfway. Overlapping copies
	 * share one freeze, a container the user paused stays paused, and no pause or unpause event is published. A
	 * container without processes needs no freeze.
	 */
	CopyFreeze freezeForCopy(Container container) {
		String id = container.getId();
		synchronized (lock(id)) {
			Container c = this.containers.reload(id).orElse(null);
			if (c == null || !c.getState().isActive()) {
				return () -> {
				};
			}
			LiveState state = live(id);
			if (c.getState() == ContainerState.RUNNING && !state.frozenForCopies) {
				try {
					this.runtime.pause(id);
				}
				catch (RuntimeCommandException ex) {
					throw new SystemException("cannot freeze container " + id + " for the copy: " + ex.getMessage(),
							ex);
				}
				state.frozenForCopies = true;
			}
			state.copies++;
			return () -> endCopy(id, state);
		}
	}

	private void endCopy(String id, LiveState state) {
		// The lock is gone once the container is removed, and with it anything left to thaw.
		Object lock = this.locks.get(id);
		if (lock == null) {
			return;
		}
		synchronized (lock) {
			state.copies--;
			if (state.copies == 0) {
				endCopyFreeze(id);
			}
		}
	}

	/** Thaws a container frozen for copies, which then go on unfrozen; caller holds the lock. */
	private void endCopyFreeze(String id) {
		LiveState state = this.live.get(id);
		if (state == null || !state.frozenForCopies) {
			return;
		}
		state.frozenForCopies = false;
		try {
			this.runtime.resume(id);
		}
		catch (RuntimeCommandException ex) {
			// The container may have been killed meanwhile; there is nothing left to thaw then.
			logger.debug("thaw of " + id + " after a copy: " + ex.getMessage());
		}
	}

	/** The future of a {@code /wait}: {@code not-running} (default), {@code next-exit} or {@code removed}. */
	public CompletableFuture<ExitStatus> waitFor(String ref, String condition) {
		Container c = this.containers.get(ref);
		synchronized (lock(c.getId())) {
			c = this.containers.get(c.getId());
			LiveState state = live(c.getId());
			if ("removed".equals(condition)) {
				return state.removed;
			}
			if ("next-exit".equals(condition) || c.getState().isActive()
					|| c.getState() == ContainerState.RESTARTING) {
				return state.nextExit;
			}
			return CompletableFuture.completedFuture(new ExitStatus(c.getExitCode(), null));
		}
	}

	public void resize(String ref, int height, int width) {
		Container c = this.containers.get(ref);
		if (!c.getState().isActive()) {
			throw new ConflictException("Container " + c.getId() + " is not running");
		}
		this.monitors.request(this.monitors.socketOf(c.getId()), "RESIZE " + height + " " + width);
	}

	public void remove(String ref, boolean force, boolean removeVolumes) {
		remove(ref, force, removeVolumes, true);
	}

	/** Removes a container; {@code keepLog} false for a build's step containers, whose logs nobody looks back at. */
	void remove(String ref, boolean force, boolean removeVolumes, boolean keepLog) {
		Container c = this.containers.get(ref);
		CompletableFuture<ExitStatus> exit = null;
		synchronized (lock(c.getId())) {
			c = this.containers.get(c.getId());
			if (c.getState() == ContainerState.REMOVING) {
				throw new ConflictException("removal of container " + c.getId() + " is already in progress");
			}
			if (c.getState().isActive() || c.getState() == ContainerState.RESTARTING) {
				if (!force) {
					throw new ConflictException("You cannot remove a running container " + c.getId()
							+ ". Stop the container before attempting removal or force remove");
				}
				if (c.getState() == ContainerState.RESTARTING) {
					c.exited(c.getExitCode(), false, Instant.now());
				}
				else {
					exit = live(c.getId()).nextExit;
					c.removing();
					this.containers.save(c);
					endCopyFreeze(c.getId());
					signal(c, 9, true);
				}
			}
		}
		if (exit != null && !awaitExit(exit, 30)) {
			throw new SystemException("container " + c.getId() + " did not exit after SIGKILL");
		}
		synchronized (lock(c.getId())) {
			removeStopped(this.containers.reload(c.getId()).orElse(c), removeVolumes, keepLog);
		}
	}

	/** Removes a container that has no process; caller holds the lock. */
	private void removeStopped(Container c, boolean removeVolumes, boolean keepLog) {
		ContainerFiles files = ContainerFiles.of(this.paths, c.getId());
		try {
			// A monitor that exited normally left nothing; one killed with SIGKILL left these.
			LeftoverMounts.detach(files.rootfs());
			if (files.netns() != null) {
				LeftoverMounts.detach(files.netns());
				Files.deleteIfExists(files.netns());
			}
			if (keepLog) {
				this.removedContainers.keep(c, files.log());
			}
			FileTrees.deleteRecursively(files.dir());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot remove " + files.dir(), ex);
		}
		this.containers.delete(c);
		this.networks.release(c.getId());
		this.containers.events().publish(c, "destroy");
		// Only once the record is gone: a volume still counted as used by this container would be kept.
		if (removeVolumes && this.containers.volumeMounts() != null) {
			for (MountPlan m : this.containers.mounts(c)) {
				if (m.anonymous()) {
					this.containers.volumeMounts().removeAnonymous(m.name());
				}
			}
		}
		LiveState state = this.live.remove(c.getId());
		if (state != null) {
			state.removed.complete(new ExitStatus(c.getExitCode(), null));
		}
		this.locks.remove(c.getId());
	}

	/**
	 * Live restore: reattach to every monitor that survived the engine, record the exits that happened while the
	 * engine was away, and apply restart policies to them.
	 */
	@EventListener(ApplicationReadyEvent.class)
	public void restore() {
		for (Container c : this.containers.active()) {
			String id = c.getId();
			if (c.getState() == ContainerState.RESTARTING) {
				this.restarts.execute(() -> restartAfterPolicy(id));
				continue;
			}
			Path socket = this.monitors.socketOf(id);
			if (this.monitors.isAlive(socket)) {
				thawIfFrozenForACopy(c);
				networkUp(c);
				watch(id, socket);
			}
			else {
				this.restarts.execute(() -> onExit(id));
			}
		}
		this.networks.reconcile();
	}

	/** After a daemon restart: a surviving container's ports and names are served again. */
	private void networkUp(Container c) {
		ContainerSpec.HostSettings host = this.bundles.hostSettings(c);
		List<NetworkAttachment> nets = ContainerNetworks.joinsNetworks(host.networkMode())
				? this.networks.attachments(c.getId()) : List.of();
		String address = nets.isEmpty() ? null : nets.get(0).address();
		Path netns = ContainerNetworks.joinsNetworks(host.networkMode()) || host.networkMode().equals("none")
				? ContainerFiles.of(this.paths, c.getId()).netns() : null;
		this.networks.up(c.getId(), netns, portRules(this.containers.publishedPorts(c), address), host.dns());
	}

	private static List<PortRule> portRules(List<PublishedPort> ports, String address) {
		return (address == null) ? List.of()
				: ports.stream()
					.map((p) -> new PortRule(p.protocol(), p.hostIp(), p.hostPort(), address, p.containerPort()))
					.toList();
	}

	/** A running container still frozen at start-up was frozen for a copy by an engine that died before thawing it. */
	private void thawIfFrozenForACopy(Container c) {
		if (c.getState() == ContainerState.RUNNING && this.runtime.status(c.getId()).orElse("").equals("paused")) {
			try {
				this.runtime.resume(c.getId());
			}
			catch (RuntimeCommandException ex) {
				logger.warn("cannot thaw " + c.getId() + ", left frozen by a copy: " + ex.getMessage());
			}
		}
	}

	/** Whether the container's stdio is a terminal (for logs and attach framing). */
	public boolean isTty(Container c) {
		return Boolean.TRUE.equals(this.containers.config(c).get("Tty"));
	}

	/** The merged root filesystem, mounted (by the monitor) while the container runs. */
	public Path rootfs(Container c) {
		return ContainerFiles.of(this.paths, c.getId()).rootfs();
	}

	/** The container's writable layer (the overlay upper directory). */
	public Path upperDir(Container c) {
		return ContainerFiles.of(this.paths, c.getId()).upper();
	}

	/** The container's layers, topmost first: its upper directory, then the image's layers. */
	public java.util.List<Path> layersTopFirst(Container c) {
		java.util.List<Path> layers = new java.util.ArrayList<>();
		layers.add(upperDir(c));
		java.util.List<Path> lowers = new java.util.ArrayList<>(this.containers.images().resolve(c.getImageId()).layerDirs());
		java.util.Collections.reverse(lowers);
		layers.addAll(lowers);
		return layers;
	}

	/** The container's cgroup path, the same in every v1 hierarchy and under the v2 root. */
	public String cgroupPath(Container c) {
		return "/berth/" + c.getId();
	}

	public Path logFile(Container c) {
		return ContainerFiles.of(this.paths, c.getId()).log();
	}

	static boolean exists(Path p) {
		return Files.exists(p);
	}

	JsonMapper json() {
		return this.json;
	}

}
