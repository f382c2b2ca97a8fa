package io.berth.container;

import java.util.HashMap;
import java.util.Map;

import io.berth.events.EventPublisher;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** Publishes container events with Docker's attributes: every label, plus image and name. */
@Component
class ContainerEvents {

	private final ObjectProvider<EventPublisher> publisher;

	private final JsonMapper json = JsonMapper.builder().build();

	ContainerEvents(ObjectProvider<EventPublisher> publisher) {
		this.publisher = publisher;
	}

	void publish(Container c, String action) {
		publish(c, action, Map.of());
	}

	void publish(Container c, String action, Map<String, String> extra) {
		EventPublisher p = this.publisher.getIfAvailable();
		if (p == null) {
			return;
		}
		Map<String, String> attributes = new HashMap<>(labels(c));
		attributes.put("image", c.getImage());
		attributes.put("name", c.getName());
		attributes.putAll(extra);
		p.publish("container", action, c.getId(), attributes);
	}

	Map<String, String> labels(Container c) {
		Map<String, Object> config = this.json.readValue(c.getConfig(), new TypeReference<Map<String, Object>>() {
		});
		Object labels = config.get("Labels");
		Map<String, String> out = new HashMap<>();
		if (labels instanceof Map<?, ?> m) {
			m.forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
		}
		return out;
	}

}
