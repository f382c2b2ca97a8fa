package io.berth.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.berth.error.InvalidParameterException;
import io.berth.paths.EnginePaths;
import io.berth.persistence.Setting;
import io.berth.persistence.SettingRepository;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps a removed container's log and final state for the retention an admin sets, so the dashboard can still show
 * how it ended; Dozzle and Portainer lose both with the container.
 */
@Component
public class RemovedContainers implements SmartLifecycle {

	static final String RETENTION_SETTING = "containers.removed-log-retention-seconds";

	/** Expiry is not urgent: an hourly sweep keeps the store within a retention plus an hour. */
	private static final long SWEEP_MINUTES = 60;

	private static final Duration MAX_RETENTION = Duration.ofDays(3650);

	private static final Log logger = LogFactory.getLog(RemovedContainers.class);

	private final RemovedContainerRepository removed;

	private final SettingRepository settings;

	private final ObjectProvider<ContainerViews> views;

	private final Path root;

	private final Duration defaultRetention;

	private final JsonMapper json = JsonMapper.builder().build();

	private volatile ScheduledExecutorService sweeper;

	RemovedContainers(RemovedContainerRepository removed, SettingRepository settings,
			ObjectProvider<ContainerViews> views, EnginePaths paths, LogRetentionProperties properties) {
		this.removed = removed;
		this.settings = settings;
		this.views = views;
		this.root = paths.dataRoot().resolve("removed-containers");
		this.defaultRetention = properties.removedLogRetention();
	}

	public Duration retention() {
		return this.settings.findById(RETENTION_SETTING)
			.map((s) -> Duration.ofSeconds(Long.parseLong(s.getValue())))
			.orElse(this.defaultRetention);
	}

	public void setRetention(Duration retention) {
		if (retention.isNegative() || retention.compareTo(MAX_RETENTION) > 0) {
			throw new InvalidParameterException("the log retention must be between 0 and 3650 days");
		}
		this.settings.save(new Setting(RETENTION_SETTING, Long.toString(retention.toSeconds())));
		sweep();
	}

	public List<RemovedContainer> list() {
		return this.removed.findAll()
			.stream()
			.sorted(Comparator.comparing(RemovedContainer::getRemovedAt).reversed())
			.toList();
	}

	public Optional<RemovedContainer> find(String id) {
		return this.removed.findById(id);
	}

	public Path logFile(String id) {
		return this.root.resolve(id).resolve(id + "-json.log");
	}

	/** Takes the log and the final state of a container about to be removed; its files are still in place. */
	void keep(Container c, Path log) {
		if (retention().isZero()) {
			return;
		}
		try {
			Path target = logFile(c.getId());
			Files.createDirectories(target.getParent());
			if (Files.exists(log)) {
				// The same filesystem as the container's directory, so this is a rename, whatever the log's size.
				Files.move(log, target, StandardCopyOption.REPLACE_EXISTING);
			}
			else {
				Files.createFile(target);
			}
			ContainerViews v = this.views.getObject();
			Map<String, Object> inspect = v.inspect(c);
			Object labels = v.summary(c).getOrDefault("Labels", Map.of());
			this.removed.save(new RemovedContainer(c, this.json.writeValueAsString(inspect),
					this.json.writeValueAsString(labels), Instant.now()));
		}
		catch (IOException | RuntimeException ex) {
			// Keeping a copy must never stop the removal the user asked for.
			logger.warn("Could not keep the log of removed container " + c.getId() + ": " + ex.getMessage());
		}
	}

	/** Forgets removed containers older than the retention, and directories with no record (a crash mid-keep). */
	void sweep() {
		Instant cutoff = Instant.now().minus(retention());
		for (RemovedContainer r : this.removed.findByRemovedAtBefore(cutoff)) {
			deleteFiles(r.getId());
			this.removed.delete(r);
		}
		if (Files.isDirectory(this.root)) {
			try (var dirs = Files.list(this.root)) {
				dirs.map((p) -> p.getFileName().toString())
					.filter((id) -> !this.removed.existsById(id))
					.forEach(this::deleteFiles);
			}
			catch (IOException ex) {
				logger.warn("Could not list " + this.root + ": " + ex.getMessage());
			}
		}
	}

	private void deleteFiles(String id) {
		try {
			FileTrees.deleteRecursively(this.root.resolve(id));
		}
		catch (IOException ex) {
			logger.warn("Could not delete the kept log of " + id + ": " + ex.getMessage());
		}
	}

	@Override
	public void start() {
		ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor((r) -> {
			Thread t = new Thread(r, "removed-containers-sweep");
			t.setDaemon(true);
			return t;
		});
		s.scheduleWithFixedDelay(() -> {
			try {
				sweep();
			}
			catch (RuntimeException ex) {
				logger.warn("Sweep of removed containers failed: " + ex.getMessage());
			}
		}, 0, SWEEP_MINUTES, TimeUnit.MINUTES);
		this.sweeper = s;
	}

	@Override
	public void stop() {
		ScheduledExecutorService s = this.sweeper;
		if (s != null) {
			s.shutdownNow();
		}
		this.sweeper = null;
	}

	@Override
	public boolean isRunning() {
		return this.sweeper != null;
	}

}
