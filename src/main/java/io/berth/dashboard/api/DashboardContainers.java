package io.berth.dashboard.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.berth.container.Container;
import io.berth.container.ContainerLifecycle;
import io.berth.container.ContainerService;
import io.berth.container.ContainerStatus;
import io.berth.container.ContainerViews;
import io.berth.container.PublishedPort;
import io.berth.container.RemovedContainer;
import io.berth.container.RemovedContainers;
import io.berth.dashboard.security.AuditLog;
import io.berth.dashboard.security.SignedInUser;
import io.berth.error.EngineException;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotFoundException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * What the dashboard does with containers: rows for its lists, the run form, the actions with their equivalent
 * docker command, each action recorded as an audit event of the user who took it.
 */
@Service
public class DashboardContainers {

	/** The actions the dashboard offers, each with the docker command it stands for. */
	public enum Action {

		START("start"), STOP("stop"), RESTART("restart"), KILL("kill"), PAUSE("pause"), UNPAUSE("unpause"),
		REMOVE("rm -f");

		private final String command;

		Action(String command) {
			this.command = command;
		}

		static Action parse(String text) {
			for (Action a : values()) {
				if (a.name().equalsIgnoreCase(text)) {
					return a;
				}
			}
			throw new InvalidParameterException("unknown action \"" + text
					+ "\": use start, stop, restart, kill, pause, unpause or remove");
		}

		String cli(String name) {
			return "docker " + this.command + " " + ShellWords.quote(name);
		}

	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final ContainerViews views;

	private final RemovedContainers removed;

	private final AuditLog audit;

	DashboardContainers(ContainerService containers, ContainerLifecycle lifecycle, ContainerViews views,
			RemovedContainers removed, AuditLog audit) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.views = views;
		this.removed = removed;
		this.audit = audit;
	}

	public List<Row> rows() {
		return this.containers.list().stream().map(this::row).toList();
	}

	public List<Row> removedRows() {
		return this.removed.list().stream().map(DashboardContainers::row).toList();
	}

	public Optional<Row> row(String idOrName) {
		return this.containers.find(idOrName).map(this::row);
	}

	public Row row(Container c) {
		List<String> ports = new ArrayList<>();
		if (c.getState().isActive()) {
			for (PublishedPort p : this.containers.publishedPorts(c)) {
				String ip = (p.hostIp() == null || p.hostIp().isEmpty()) ? "0.0.0.0" : p.hostIp();
				ports.add(ip + ":" + p.hostPort() + "->" + p.containerPort() + "/" + p.protocol());
			}
		}
		return new Row(c.getId(), c.getId().substring(0, 12), c.getName(), c.getImage(), c.getState().dockerName(),
				ContainerStatus.of(c, Instant.now()), time(c.getCreated()), ports, labels(this.containers.config(c)),
				false);
	}

	static Row row(RemovedContainer r) {
		String status = "Removed" + ((r.getFinishedAt() != null) ? ", exited (" + r.getExitCode() + ")" : "");
		Map<String, String> labels = JSON.readValue((r.getLabels() != null) ? r.getLabels() : "{}",
				new TypeReference<Map<String, String>>() {
				});
		return new Row(r.getId(), r.getId().substring(0, 12), r.getName(), r.getImage(), "removed", status,
				time(r.getCreated()), List.of(), labels, true);
	}

	/** The container, live or kept after removal, with Docker's inspect document. */
	public Details details(String ref) {
		Optional<Container> live = this.containers.find(ref);
		if (live.isPresent()) {
			return new Details(row(live.get()), this.views.inspect(live.get()), false);
		}
		RemovedContainer r = this.removed.find(ref)
			.orElseThrow(() -> new NotFoundException("No such container: " + ref));
		Map<String, Object> inspect = JSON.readValue(r.getInspect(), new TypeReference<Map<String, Object>>() {
		});
		return new Details(row(r), inspect, true);
	}

	/** A container and its inspect document; {@code removed} when only its log and final state are kept. */
	public record Details(Row row, Map<String, Object> inspect, boolean removed) {
	}

	public Created run(SignedInUser user, RunForm form) {
		Map<String, Object> body = form.toCreateBody();
		String id;
		try {
			id = this.containers.createFromDocker(form.name(), JSON.writeValueAsString(body));
		}
		catch (EngineException ex) {
			this.audit.record(user.username(), "container.run", "", form.name(), ex.getMessage());
			throw ex;
		}
		Container c = this.containers.get(id);
		try {
			this.lifecycle.start(id);
		}
		catch (EngineException ex) {
			// Nothing is left behind by a run that could not start, as the form's user never saw a container.
			this.lifecycle.remove(id, true, true);
			this.audit.record(user.username(), "container.run", id, c.getName(), ex.getMessage());
			throw ex;
		}
		this.audit.record(user.username(), "container.run", id, c.getName(), "ok");
		return new Created(id, c.getName(), form.cli());
	}

	/** What the run form made. */
	public record Created(String id, String name, String cli) {
	}

	/** Does one action; the answer is the equivalent docker command. */
	public String act(SignedInUser user, String ref, String actionName) {
		Action action = Action.parse(actionName);
		Container c = this.containers.get(ref);
		String cli = action.cli(c.getName());
		try {
			switch (action) {
				case START -> this.lifecycle.start(c.getId());
				case STOP -> this.lifecycle.stop(c.getId(), null);
				case RESTART -> this.lifecycle.restart(c.getId(), null);
				case KILL -> this.lifecycle.kill(c.getId(), "KILL");
				case PAUSE -> this.lifecycle.pause(c.getId());
				case UNPAUSE -> this.lifecycle.unpause(c.getId());
				case REMOVE -> this.lifecycle.remove(c.getId(), true, false);
			}
		}
		catch (EngineException ex) {
			this.audit.record(user.username(), "container." + action.name().toLowerCase(), c.getId(), c.getName(),
					ex.getMessage());
			throw ex;
		}
		this.audit.record(user.username(), "container." + action.name().toLowerCase(), c.getId(), c.getName(), "ok");
		return cli;
	}

	/** One result of a bulk action. */
	public record BulkResult(String id, boolean ok, String message) {
	}

	public List<BulkResult> bulk(SignedInUser user, String actionName, List<String> ids) {
		Action action = Action.parse(actionName);
		if (ids == null || ids.isEmpty() || ids.size() > 1000) {
			throw new InvalidParameterException("choose between 1 and 1000 containers");
		}
		List<BulkResult> results = new ArrayList<>();
		for (String id : ids) {
			try {
				act(user, id, action.name());
				results.add(new BulkResult(id, true, "ok"));
			}
			catch (EngineException ex) {
				results.add(new BulkResult(id, false, ex.getMessage()));
			}
		}
		return results;
	}

	static String bulkCli(String actionName, List<String> names) {
		Action action = Action.parse(actionName);
		List<String> words = new ArrayList<>();
		names.forEach((n) -> words.add(ShellWords.quote(n)));
		return "docker " + action.command + " " + String.join(" ", words);
	}

	public String nameOf(String id) {
		return this.containers.find(id).map(Container::getName)
			.or(() -> this.removed.find(id).map(RemovedContainer::getName))
			.orElse(id);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, String> labels(Map<String, Object> config) {
		Object labels = config.get("Labels");
		Map<String, String> out = new LinkedHashMap<>();
		if (labels instanceof Map<?, ?> m) {
			((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
		}
		return out;
	}

	static String time(Instant t) {
		return (t != null) ? t.toString() : null;
	}

}
