package io.berth.dashboard.api;

import java.util.List;
import java.util.Map;

import io.berth.container.ContainerService;
import io.berth.container.ContainerStatsCollector;
import io.berth.stats.StatsPoint;
import io.berth.stats.StatsProperties;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The stats history the engine keeps, so a chart opens with the past already drawn. */
@RestController
class StatsApi {

	private final ContainerStatsCollector collector;

	private final ContainerService containers;

	private final StatsProperties properties;

	StatsApi(ContainerStatsCollector collector, ContainerService containers, StatsProperties properties) {
		this.collector = collector;
		this.containers = containers;
		this.properties = properties;
	}

	@GetMapping("/ui/api/containers/{id}/stats")
	Map<String, Object> history(@PathVariable String id) {
		List<StatsPoint> points = this.containers.find(id)
			.map((c) -> this.collector.history(c.getId()))
			.orElse(List.of());
		return Map.of("points", points, "resolution", this.properties.resolution().toSeconds());
	}

}
