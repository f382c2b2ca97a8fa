package io.berth.dashboard.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.error.InvalidParameterException;
import io.berth.logs.view.LogFilter;
import io.berth.logs.view.LogPage;
import io.berth.logs.view.LogViews;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Pages of a container's log, its filtered download, and the merged view of several. */
@RestController
class LogsApi {

	private static final int MAX_MERGED = 20;

	private final LogViews views;

	private final LogFiles files;

	LogsApi(LogViews views, LogFiles files) {
		this.views = views;
		this.files = files;
	}

	@GetMapping("/ui/api/containers/{id}/logs")
	Map<String, Object> page(@PathVariable String id, @RequestParam(defaultValue = "-1") long from,
			@RequestParam(defaultValue = "200") int count, @RequestParam(defaultValue = "true") boolean stdout,
			@RequestParam(defaultValue = "true") boolean stderr, @RequestParam(required = false) String q,
			@RequestParam(required = false) String since, @RequestParam(required = false) String until) {
		LogFilter filter = LogFilter.parse(stdout, stderr, q, since, until);
		LogPage page = this.views.page(this.files.file(id), filter, from, count);
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("total", page.total());
		out.put("from", page.from());
		out.put("lines", page.lines().stream().map(LineView::of).toList());
		out.put("removed", this.files.isRemoved(id));
		return out;
	}

	@GetMapping("/ui/api/containers/{id}/logs/download")
	void download(@PathVariable String id, @RequestParam(defaultValue = "true") boolean stdout,
			@RequestParam(defaultValue = "true") boolean stderr, @RequestParam(required = false) String q,
			@RequestParam(required = false) String since, @RequestParam(required = false) String until,
			@RequestParam(defaultValue = "false") boolean timestamps, HttpServletResponse response) throws IOException {
		LogFilter filter = LogFilter.parse(stdout, stderr, q, since, until);
		LogViews.Source source = this.files.source(id);
		response.setContentType("text/plain;charset=UTF-8");
		String fileName = source.container().replaceAll("[^A-Za-z0-9._-]", "_") + ".log";
		response.setHeader("Content-Disposition", "attachment; filename=\"" + fileName + "\"");
		this.views.write(source.file(), filter, timestamps, response.getOutputStream());
	}

	@GetMapping("/ui/api/logs/merged")
	Map<String, Object> merged(@RequestParam String ids, @RequestParam(defaultValue = "500") int count,
			@RequestParam(defaultValue = "true") boolean stdout, @RequestParam(defaultValue = "true") boolean stderr,
			@RequestParam(required = false) String q) {
		List<LogViews.Source> sources = sources(List.of(ids.split(",")), this.files);
		LogFilter filter = LogFilter.parse(stdout, stderr, q, null, null);
		return Map.of("lines", this.views.merged(sources, filter, count).stream().map(LineView::of).toList());
	}

	static List<LogViews.Source> sources(List<String> ids, LogFiles files) {
		List<String> wanted = ids.stream().map(String::trim).filter((s) -> !s.isEmpty()).distinct().toList();
		if (wanted.isEmpty() || wanted.size() > MAX_MERGED) {
			throw new InvalidParameterException("choose between 1 and " + MAX_MERGED + " containers to merge");
		}
		List<LogViews.Source> sources = new ArrayList<>();
		for (String id : wanted) {
			sources.add(files.source(id));
		}
		return sources;
	}

}
