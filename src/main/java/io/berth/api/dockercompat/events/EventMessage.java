package io.berth.api.dockercompat.events;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.berth.events.EngineEvent;
import org.jspecify.annotations.Nullable;

/**
 * One event on the wire. The legacy {@code status}/{@code id}/{@code from} fields are sent, as dockerd does at API
 * 1.41, for container events ({@code from} being the image) and, without {@code from}, for image events; compose
 * 1.29 reads them.
 *
 * <pre>
 * {"status":"die","id":"f01d...","from":"busybox","Type":"container","Action":"die",
 *  "Actor":{"ID":"f01d...","Attributes":{"exitCode":"0","image":"busybox","name":"ev"}},
 *  "scope":"local","time":1795846641,"timeNano":1795846641281763071}
 * </pre>
 *
 * @see <a href="https://github.com/moby/moby/blob/v20.10.24/daemon/events/events.go">moby events.Log</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record EventMessage(@JsonProperty("status") @Nullable String status, @JsonProperty("id") @Nullable String id,
		@JsonProperty("from") @Nullable String from, @JsonProperty("Type") String type,
		@JsonProperty("Action") String action, @JsonProperty("Actor") Actor actor,
		@JsonProperty("scope") String scope, @JsonProperty("time") long time,
		@JsonProperty("timeNano") long timeNano) {

	static EventMessage of(EngineEvent event) {
		boolean container = event.type().equals("container");
		boolean legacy = container || event.type().equals("image");
		String image = event.attributes().get("image");
		return new EventMessage(legacy ? event.action() : null, legacy ? event.actorId() : null,
				(container && image != null && !image.isEmpty()) ? image : null, event.type(), event.action(),
				new Actor(event.actorId(), event.attributes()), "local",
				Math.floorDiv(event.timeNano(), 1_000_000_000L), event.timeNano());
	}

	record Actor(@JsonProperty("ID") String id, @JsonProperty("Attributes") Map<String, String> attributes) {
	}

}
