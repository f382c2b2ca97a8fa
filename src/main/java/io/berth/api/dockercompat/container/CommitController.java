package io.berth.api.dockercompat.container;

import java.util.List;
import java.util.Map;

import io.berth.api.dockercompat.QueryParams;
import io.berth.container.CommitOptions;
import io.berth.container.ContainerCommitter;
import io.berth.error.InvalidParameterException;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /commit}: a new image from a container's changes. The body may carry a Docker config to commit instead
 * of the container's; the CLI sends {@code null}.
 */
@RestController
class CommitController {

	private final ContainerCommitter committer;

	private final JsonMapper json;

	CommitController(ContainerCommitter committer, JsonMapper json) {
		this.committer = committer;
		this.json = json;
	}

	@PostMapping("/commit")
	ResponseEntity<Map<String, String>> commit(@RequestParam(name = "container", defaultValue = "") String container,
			@RequestParam(name = "repo", defaultValue = "") String repo,
			@RequestParam(name = "tag", defaultValue = "") String tag,
			@RequestParam(name = "comment", defaultValue = "") String comment,
			@RequestParam(name = "author", defaultValue = "") String author,
			@RequestParam(name = "pause", required = false) @Nullable String pause,
			@RequestBody(required = false) byte @Nullable [] body, HttpServletRequest request) {
		String[] changes = request.getParameterValues("changes");
		// dockerd pauses unless told otherwise: an absent or empty pause means true.
		boolean paused = (pause == null || pause.isEmpty()) || QueryParams.bool(pause);
		CommitOptions options = new CommitOptions(repo, tag, author, comment,
				(changes != null) ? List.of(changes) : List.of(), config(body), paused);
		String id = this.committer.commit(container, options);
		return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("Id", id));
	}

	private @Nullable Map<String, Object> config(byte @Nullable [] body) {
		if (body == null || body.length == 0) {
			return null;
		}
		JsonNode node;
		try {
			node = this.json.readTree(body);
		}
		catch (JacksonException ex) {
			throw new InvalidParameterException("invalid config: " + ex.getOriginalMessage());
		}
		if (node == null || node.isNull() || node.isMissingNode()) {
			return null;
		}
		if (!node.isObject()) {
			throw new InvalidParameterException("invalid config: not a JSON object");
		}
		return this.json.convertValue(node, new TypeReference<Map<String, Object>>() {
		});
	}

}
