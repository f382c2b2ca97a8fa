package io.berth.api.dockercompat.container;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.berth.api.dockercompat.QueryParams;
import io.berth.container.ContainerArchive;
import io.berth.container.archive.PathStat;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code docker cp}'s three calls on {@code /containers/{id}/archive}: HEAD stats a path (the stat travels base64
 * JSON in {@code X-Docker-Container-Path-Stat}), GET returns it as a tar with the same header, PUT extracts a tar,
 * possibly chunked, into a directory.
 */
@RestController
class ArchiveController {

	static final String STAT_HEADER = "X-Docker-Container-Path-Stat";

	private final ContainerArchive archives;

	private final JsonMapper json;

	ArchiveController(ContainerArchive archives, JsonMapper json) {
		this.archives = archives;
		this.json = json;
	}

	@RequestMapping(path = "/containers/{id}/archive", method = RequestMethod.HEAD)
	ResponseEntity<Void> stat(@PathVariable String id, @RequestParam(required = false) @Nullable String path) {
		PathStat stat = this.archives.stat(id, (path != null) ? path : "");
		return ResponseEntity.ok().header(STAT_HEADER, header(stat)).build();
	}

	/** Written on the request thread, like the other streams here, so the client gets every byte as it is made. */
	@GetMapping("/containers/{id}/archive")
	void archive(@PathVariable String id, @RequestParam(required = false) @Nullable String path,
			HttpServletResponse response) throws IOException {
		this.archives.archive(id, (path != null) ? path : "", (stat) -> {
			response.setStatus(200);
			response.setHeader(STAT_HEADER, header(stat));
			response.setContentType("application/x-tar");
			return response.getOutputStream();
		});
		response.flushBuffer();
	}

	@PutMapping("/containers/{id}/archive")
	ResponseEntity<Void> extract(@PathVariable String id, @RequestParam(required = false) @Nullable String path,
			@RequestParam(required = false) @Nullable String noOverwriteDirNonDir,
			@RequestParam(name = "copyUIDGID", required = false) @Nullable String copyUidGid, InputStream body) {
		this.archives.extract(id, (path != null) ? path : "", QueryParams.bool(noOverwriteDirNonDir),
				QueryParams.bool(copyUidGid), body);
		return ResponseEntity.ok().build();
	}

	/** base64 (standard, padded) of {@code {"name","size","mode","mtime","linkTarget"}}, as the CLI decodes it. */
	String header(PathStat stat) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("name", stat.name());
		m.put("size", stat.size());
		m.put("mode", stat.mode());
		m.put("mtime", GoTime.rfc3339Nano(stat.mtime()));
		m.put("linkTarget", stat.linkTarget());
		return Base64.getEncoder().encodeToString(this.json.writeValueAsBytes(m));
	}

}
