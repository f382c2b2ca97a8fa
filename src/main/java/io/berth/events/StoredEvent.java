package io.berth.events;

import java.util.Map;

import io.berth.persistence.JsonStringMapConverter;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/** A published event as stored for replays; the generated ID is its place in publication order. */
@Entity
@Table(name = "engine_event", indexes = @Index(name = "engine_event_time", columnList = "time_nano"))
class StoredEvent {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private @Nullable Long id;

	@Column(name = "event_type", nullable = false, length = 64)
	private String type = "";

	@Column(nullable = false, length = 256)
	private String action = "";

	@Column(name = "actor_id", nullable = false, length = 1024)
	private String actorId = "";

	@Convert(converter = JsonStringMapConverter.class)
	@Column(nullable = false, length = 1_000_000)
	private Map<String, String> attributes = Map.of();

	@Column(name = "time_nano", nullable = false)
	private long timeNano;

	protected StoredEvent() {
	}

	StoredEvent(EngineEvent event) {
		this.type = event.type();
		this.action = event.action();
		this.actorId = event.actorId();
		this.attributes = event.attributes();
		this.timeNano = event.timeNano();
	}

	long id() {
		if (this.id == null) {
			throw new IllegalStateException("event not stored yet");
		}
		return this.id;
	}

	EngineEvent toEvent() {
		return new EngineEvent(this.type, this.action, this.actorId, this.attributes, this.timeNano);
	}

}
