package io.berth.events;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Event storage and delivery.
 *
 * @param maxStored how many events are kept on disk for {@code since} replays; the oldest are trimmed (default
 * 10000)
 * @param subscriberQueue how many live events a subscriber may fall behind before it is dropped (default 1024, the
 * per-subscriber buffer dockerd uses)
 */
@ConfigurationProperties("berth.events")
public record EventsProperties(@DefaultValue("10000") int maxStored, @DefaultValue("1024") int subscriberQueue) {

	public EventsProperties {
		if (maxStored < 1 || subscriberQueue < 1) {
			throw new IllegalArgumentException("berth.events.max-stored and subscriber-queue must be positive");
		}
	}

}
