package io.berth.dashboard.live;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.dashboard.api.LineView;
import io.berth.dashboard.api.LogFiles;
import io.berth.error.InvalidParameterException;
import io.berth.logs.view.LogFilter;
import io.berth.logs.view.LogFollow;
import io.berth.logs.view.LogViews;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/**
 * {@code logs:<id>} and {@code logs:merged}: new log lines as the container writes them, pushed from the one log
 * watcher thread with the tab's filter applied on the server.
 */
@Component
class LogsChannel implements Channel {

	private static final String MERGED = "logs:merged";

	private static final int MAX_MERGED = 20;

	private final LogViews views;

	private final LogFiles files;

	LogsChannel(LogViews views, LogFiles files) {
		this.views = views;
		this.files = files;
	}

	@Override
	public boolean serves(String channel) {
		return channel.startsWith("logs:");
	}

	@Override
	public AutoCloseable open(LiveSession session, String channel, JsonNode request) {
		LogFilter filter = LogFilter.parse(request.path("stdout").asBoolean(true), request.path("stderr").asBoolean(true),
				Channel.text(request, "q"), null, null);
		if (!channel.equals(MERGED)) {
			LogViews.Source source = this.files.source(channel.substring("logs:".length()));
			return this.views.follow(source.file(), filter, (lines) -> {
				if (lines.isEmpty()) {
					return;
				}
				Map<String, Object> m = new LinkedHashMap<>();
				m.put("ch", channel);
				m.put("lines", lines.stream().map(LineView::of).toList());
				m.put("total", lines.get(lines.size() - 1).n() + 1);
				session.send(m);
			});
		}
		List<String> ids = new ArrayList<>();
		request.path("ids").forEach((n) -> ids.add(n.asString()));
		if (ids.isEmpty() || ids.size() > MAX_MERGED) {
			throw new InvalidParameterException("choose between 1 and " + MAX_MERGED + " containers to merge");
		}
		List<LogFollow> follows = new ArrayList<>();
		for (String id : ids) {
			LogViews.Source source = this.files.source(id);
			follows.add(this.views.follow(source.file(), filter, (lines) -> {
				List<LineView> out = new ArrayList<>(lines.size());
				lines.forEach((l) -> {
					LineView v = LineView.of(l);
					out.add(new LineView(v.n(), v.t(), v.s(), v.html(), source.container()));
				});
				session.send(Map.of("ch", channel, "lines", out));
			}));
		}
		return () -> {
			for (LogFollow f : follows) {
				f.close();
			}
		};
	}

}
