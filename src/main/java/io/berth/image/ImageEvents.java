package io.berth.image;

import java.util.HashMap;
import java.util.Map;

import io.berth.events.EventPublisher;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** Publishes image events as dockerd does: the actor is the image ID, {@code name} the reference involved. */
@Component
class ImageEvents {

	private final ObjectProvider<EventPublisher> publisher;

	ImageEvents(ObjectProvider<EventPublisher> publisher) {
		this.publisher = publisher;
	}

	void publish(String action, String imageId, String name, Map<String, String> labels) {
		Map<String, String> attributes = new HashMap<>(labels);
		attributes.put("name", name);
		this.publisher.ifAvailable((p) -> p.publish("image", action, imageId, attributes));
	}

}
