package io.berth.dashboard.live;

import java.util.Map;

import io.berth.container.ContainerService;
import io.berth.container.ContainerStatsCollector;
import tools.jackson.databind.JsonNode;

import org.springframework.stereotype.Component;

/** {@code stats:<id>}: a point a second from the engine's stats ticker while the container runs. */
@Component
class StatsChannel implements Channel {

	private final ContainerStatsCollector collector;

	private final ContainerService containers;

	StatsChannel(ContainerStatsCollector collector, ContainerService containers) {
		this.collector = collector;
		this.containers = containers;
	}

	@Override
	public boolean serves(String channel) {
		return channel.startsWith("stats:");
	}

	@Override
	public AutoCloseable open(LiveSession session, String channel, JsonNode request) {
		String id = this.containers.get(channel.substring("stats:".length())).getId();
		return this.collector.subscribe(id, (point) -> session.send(Map.of("ch", channel, "point", point)));
	}

}
