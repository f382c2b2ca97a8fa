package io.berth.api.dockercompat.container;

import java.util.LinkedHashMap;
import java.util.Map;

import io.berth.container.Container;
import io.berth.container.ContainerLifecycle;
import io.berth.container.ContainerService;
import io.berth.container.ContainerState;
import io.berth.error.ConflictException;
import io.berth.error.InvalidParameterException;
import io.berth.stats.ProcessTable;
import org.jspecify.annotations.Nullable;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /containers/{id}/top}: {@code {"Titles":[...],"Processes":[[...],...]}}, the processes of the
 * container's cgroup in the columns of {@code ps -ef} (or {@code ps aux}), read from /proc rather than by running ps.
 */
@RestController
class TopController {

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final ProcessTable processes;

	TopController(ContainerService containers, ContainerLifecycle lifecycle, ProcessTable processes) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.processes = processes;
	}

	@GetMapping("/containers/{id}/top")
	Map<String, Object> top(@PathVariable String id,
			@RequestParam(name = "ps_args", required = false) @Nullable String psArgs) {
		// dockerd checks the arguments before it looks the container up.
		ProcessTable.Format format = ProcessTable.Format.parse(psArgs)
			.orElseThrow(() -> new InvalidParameterException("ps_args not supported: " + psArgs));
		Container c = this.containers.get(id);
		if (c.getState() == ContainerState.RESTARTING) {
			throw new ConflictException("Container " + c.getId()
					+ " is restarting, wait until the container is running");
		}
		if (c.getState() != ContainerState.RUNNING && c.getState() != ContainerState.PAUSED) {
			throw new ConflictException("Container " + c.getId() + " is not running");
		}
		ProcessTable.Table table = this.processes.list(this.lifecycle.cgroupPath(c), format);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("Titles", table.titles());
		body.put("Processes", table.processes());
		return body;
	}

}
