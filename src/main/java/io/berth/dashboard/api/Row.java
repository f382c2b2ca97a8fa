package io.berth.dashboard.api;

import java.util.List;
import java.util.Map;

/** A container as the dashboard's lists show it; also what the WebSocket pushes when one changes. */
public record Row(String id, String shortId, String name, String image, String state, String status, String created,
		List<String> ports, Map<String, String> labels, boolean removed) {

	public Row {
		ports = List.copyOf(ports);
		labels = Map.copyOf(labels);
	}

}
