package io.berth.api.dockercompat.container;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.container.ExecInstance;
import io.berth.container.ExecService;
import io.berth.error.InvalidParameterException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code docker exec}: create, inspect and resize; the start is a hijacked stream ({@link ExecStartHijack}). */
@RestController
class ExecController {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ExecService execs;

	ExecController(ExecService execs) {
		this.execs = execs;
	}

	@PostMapping("/containers/{id}/exec")
	ResponseEntity<Map<String, Object>> create(@PathVariable String id, @RequestBody(required = false) byte[] body) {
		JsonNode n;
		try {
			n = JSON.readTree((body == null || body.length == 0) ? "{}" : new String(body, StandardCharsets.UTF_8));
		}
		catch (JacksonException ex) {
			throw new InvalidParameterException("invalid JSON: " + ex.getOriginalMessage());
		}
		ExecInstance e = this.execs.create(id, strings(n, "Cmd"), strings(n, "Env"), n.path("User").asString(""),
				n.path("WorkingDir").asString(""), n.path("Tty").asBoolean(false), n.path("AttachStdin").asBoolean(false),
				n.path("AttachStdout").asBoolean(false), n.path("AttachStderr").asBoolean(false),
				n.path("Privileged").asBoolean(false));
		return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("Id", e.id()));
	}

	/**
	 * A detached start, which the CLI sends on a reused connection without asking to upgrade it; attached starts
	 * come on a new connection and are served by {@link ExecStartHijack}.
	 */
	@PostMapping("/exec/{id}/start")
	ResponseEntity<Void> start(@PathVariable String id, @RequestBody(required = false) byte[] body) {
		JsonNode n = JSON.readTree((body == null || body.length == 0) ? "{}" : new String(body, StandardCharsets.UTF_8));
		if (!n.path("Detach").asBoolean(false)) {
			throw new InvalidParameterException("an attached exec start needs the connection upgraded to tcp");
		}
		this.execs.launch(this.execs.get(id), true);
		return ResponseEntity.ok().build();
	}

	@GetMapping("/exec/{id}/json")
	Map<String, Object> inspect(@PathVariable String id) {
		ExecInstance e = this.execs.get(id);
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("ID", e.id());
		m.put("Running", e.running());
		m.put("ExitCode", e.exitCode());
		Map<String, Object> pc = new LinkedHashMap<>();
		pc.put("tty", e.tty());
		pc.put("entrypoint", e.cmd().get(0));
		pc.put("arguments", e.cmd().subList(1, e.cmd().size()));
		pc.put("privileged", e.privileged());
		pc.put("user", e.user());
		m.put("ProcessConfig", pc);
		m.put("OpenStdin", e.attachStdin());
		m.put("OpenStderr", e.attachStderr());
		m.put("OpenStdout", e.attachStdout());
		m.put("CanRemove", false);
		m.put("ContainerID", e.containerId());
		m.put("DetachKeys", "");
		m.put("Pid", 0);
		return m;
	}

	@PostMapping("/exec/{id}/resize")
	ResponseEntity<Void> resize(@PathVariable String id, @RequestParam int h, @RequestParam int w) {
		this.execs.resize(id, h, w);
		return ResponseEntity.ok().build();
	}

	private static List<String> strings(JsonNode n, String field) {
		JsonNode v = n.path(field);
		List<String> out = new ArrayList<>();
		if (v.isString()) {
			out.add(v.asString());
		}
		else if (v.isArray()) {
			for (JsonNode e : v) {
				if (!e.isString()) {
					throw new InvalidParameterException("json: " + field + " must be a list of strings");
				}
				out.add(e.asString());
			}
		}
		else if (!v.isMissingNode() && !v.isNull()) {
			throw new InvalidParameterException("json: " + field + " must be a list of strings");
		}
		return out;
	}

}
