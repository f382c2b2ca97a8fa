package io.berth.dashboard.api;

import java.nio.file.Path;
import java.util.Optional;

import io.berth.container.Container;
import io.berth.container.ContainerLifecycle;
import io.berth.container.ContainerService;
import io.berth.container.RemovedContainer;
import io.berth.container.RemovedContainers;
import io.berth.error.NotFoundException;
import io.berth.logs.view.LogViews;

import org.springframework.stereotype.Component;

/** Where a container's log is: in its directory while it exists, in the removed containers' store after. */
@Component
public class LogFiles {

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final RemovedContainers removed;

	LogFiles(ContainerService containers, ContainerLifecycle lifecycle, RemovedContainers removed) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.removed = removed;
	}

	/** A container's name and log, by ID, name or ID prefix of a live one, or the full ID of a removed one. */
	public LogViews.Source source(String ref) {
		Optional<Container> live = this.containers.find(ref);
		if (live.isPresent()) {
			return new LogViews.Source(live.get().getName(), this.lifecycle.logFile(live.get()));
		}
		RemovedContainer r = this.removed.find(ref)
			.orElseThrow(() -> new NotFoundException("No such container: " + ref));
		return new LogViews.Source(r.getName(), this.removed.logFile(r.getId()));
	}

	public Path file(String ref) {
		return source(ref).file();
	}

	public boolean isRemoved(String ref) {
		return this.containers.find(ref).isEmpty();
	}

}
