package io.berth.api.dockercompat.container;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.berth.api.dockercompat.FilterArgs;
import io.berth.api.dockercompat.FilterTimes;
import io.berth.api.dockercompat.QueryParams;
import io.berth.api.transport.ClientConnections;
import io.berth.container.Container;
import io.berth.container.ContainerLifecycle;
import io.berth.container.ContainerService;
import io.berth.container.ContainerViews;
import io.berth.container.ExitStatus;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotModifiedException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** The container endpoints of the Docker Engine API, except the streams (attach, logs). */
@RestController
class ContainersController {

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final ContainerViews views;

	private final ClientConnections clients;

	ContainersController(ContainerService containers, ContainerLifecycle lifecycle, ContainerViews views,
			ClientConnections clients) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.views = views;
		this.clients = clients;
	}

	@PostMapping("/containers/create")
	ResponseEntity<Map<String, Object>> create(@RequestParam(required = false) String name,
			@RequestBody(required = false) byte[] body) {
		String id = this.containers.createFromDocker(name,
				(body != null) ? new String(body, StandardCharsets.UTF_8) : "{}");
		return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("Id", id, "Warnings", List.of()));
	}

	@GetMapping("/containers/json")
	List<Map<String, Object>> list(@RequestParam(required = false) String all,
			@RequestParam(required = false) String limit, @RequestParam(required = false) String filters) {
		Map<String, List<String>> f = ListFilters.parse(filters);
		boolean everything = QueryParams.bool(all) || f.containsKey("status") || f.containsKey("exited");
		List<Map<String, Object>> out = new ArrayList<>();
		int max = (limit != null && !limit.isEmpty()) ? Integer.parseInt(limit) : -1;
		for (Container c : this.containers.list()) {
			if (!everything && !c.getState().isActive() && !c.getState().name().equals("RESTARTING")) {
				continue;
			}
			if (!matches(c, f)) {
				continue;
			}
			out.add(this.views.summary(c));
			if (max > 0 && out.size() >= max) {
				break;
			}
		}
		return out;
	}

	private boolean matches(Container c, Map<String, List<String>> filters) {
		for (Map.Entry<String, List<String>> e : filters.entrySet()) {
			List<String> values = e.getValue();
			boolean any = switch (e.getKey()) {
				case "name" -> values.stream().anyMatch((v) -> c.getName().matches(".*" + v.replaceFirst("^/", "") + ".*"));
				case "id" -> values.stream().anyMatch((v) -> c.getId().startsWith(v));
				case "status" -> values.contains(c.getState().dockerName());
				case "label" -> values.stream().anyMatch((v) -> FilterArgs.labelMatches(v, labels(c)));
				case "ancestor" -> values.stream()
					.anyMatch((v) -> v.equals(c.getImage()) || c.getImageId().contains(v));
				case "exited" -> c.getState().name().equals("EXITED")
						&& values.contains(Integer.toString(c.getExitCode()));
				default -> throw new InvalidParameterException("invalid filter '" + e.getKey() + "'");
			};
			if (!any) {
				return false;
			}
		}
		return true;
	}

	private Map<?, ?> labels(Container c) {
		return (Map<?, ?>) this.containers.config(c).getOrDefault("Labels", Map.of());
	}

	@GetMapping("/containers/{id}/json")
	Map<String, Object> inspect(@PathVariable String id) {
		return this.views.inspect(this.containers.get(id));
	}

	@PostMapping("/containers/{id}/start")
	ResponseEntity<Void> start(@PathVariable String id) {
		this.lifecycle.start(id);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/containers/{id}/stop")
	ResponseEntity<Void> stop(@PathVariable String id, @RequestParam(name = "t", required = false) Integer t) {
		this.lifecycle.stop(id, t);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/containers/{id}/restart")
	ResponseEntity<Void> restart(@PathVariable String id, @RequestParam(name = "t", required = false) Integer t) {
		this.lifecycle.restart(id, t);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/containers/{id}/kill")
	ResponseEntity<Void> kill(@PathVariable String id, @RequestParam(required = false) String signal) {
		this.lifecycle.kill(id, signal);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/containers/{id}/pause")
	ResponseEntity<Void> pause(@PathVariable String id) {
		this.lifecycle.pause(id);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/containers/{id}/unpause")
	ResponseEntity<Void> unpause(@PathVariable String id) {
		this.lifecycle.unpause(id);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/containers/{id}/rename")
	ResponseEntity<Void> rename(@PathVariable String id, @RequestParam String name) {
		this.containers.rename(id, name);
		return ResponseEntity.noContent().build();
	}

	@PostMapping("/containers/{id}/resize")
	ResponseEntity<Void> resize(@PathVariable String id, @RequestParam int h, @RequestParam int w) {
		this.lifecycle.resize(id, h, w);
		return ResponseEntity.ok().build();
	}

	@DeleteMapping("/containers/{id}")
	ResponseEntity<Void> remove(@PathVariable String id, @RequestParam(required = false) String force,
			@RequestParam(name = "v", required = false) String volumes) {
		this.lifecycle.remove(id, QueryParams.bool(force), QueryParams.bool(volumes));
		return ResponseEntity.noContent().build();
	}

	/**
	 * Sends the 200 headers at once (docker run blocks on them before it starts) and the body when the wait ends. It
	 * runs on the request thread: the servlet response is flushed directly, which async responses did not do here.
	 */
	@PostMapping("/containers/{id}/wait")
	void waitFor(@PathVariable String id, @RequestParam(required = false) String condition,
			jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response)
			throws IOException {
		CompletableFuture<ExitStatus> future = this.lifecycle.waitFor(id, condition);
		CompletableFuture<?> gone = this.clients.gone(request).toCompletableFuture();
		response.setStatus(200);
		response.setContentType("application/json");
		OutputStream out = response.getOutputStream();
		// JSON decoders skip this newline; it makes the flush carry the headers.
		out.write('\n');
		response.flushBuffer();
		ExitStatus status;
		try {
			// A client that went away (a killed `docker run`) no longer holds this thread until the container exits.
			CompletableFuture.anyOf(future, gone).get();
			if (!future.isDone()) {
				return;
			}
			status = future.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		catch (ExecutionException ex) {
			status = new ExitStatus(-1, ex.getCause().getMessage());
		}
		String error = (status.error() == null) ? "null"
				: "{\"Message\":" + io.berth.api.dockercompat.JsonText.quote(status.error()) + "}";
		out.write(("{\"Error\":" + error + ",\"StatusCode\":" + status.statusCode() + "}\n")
			.getBytes(StandardCharsets.UTF_8));
		response.flushBuffer();
	}

	@PostMapping("/containers/prune")
	Map<String, Object> prune(@RequestParam(required = false) String filters) {
		// dockerd's prune filters: each label must match, no label! may, and only containers created before until.
		FilterArgs f = FilterArgs.parse(filters).validate(Set.of("label", "label!", "until"));
		Instant until = f.get("until").isEmpty() ? null : FilterTimes.until(f.get("until").get(0));
		List<String> deleted = new ArrayList<>();
		for (Container c : this.containers.list()) {
			Map<?, ?> labels = labels(c);
			if (!f.get("label").stream().allMatch((l) -> FilterArgs.labelMatches(l, labels))
					|| f.get("label!").stream().anyMatch((l) -> FilterArgs.labelMatches(l, labels))
					|| (until != null && !c.getCreated().isBefore(until))) {
				continue;
			}
			if (c.getState().name().equals("EXITED") || c.getState().name().equals("CREATED")) {
				this.lifecycle.remove(c.getId(), false, false);
				deleted.add(c.getId());
			}
		}
		return Map.of("ContainersDeleted", deleted, "SpaceReclaimed", 0);
	}




}
