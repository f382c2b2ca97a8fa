package io.berth.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which events a listener wants, as Docker's events filters express it: each key ORs its values and the keys AND,
 * except {@code label}, whose values must all match, as in dockerd. An empty filter matches every event.
 * <ul>
 * <li>{@code type}, {@code scope}: exact.</li>
 * <li>{@code event}: the action, exactly or as the part before a colon ({@code exec_start} matches
 * {@code exec_start: sh -c ...}).</li>
 * <li>{@code container}, {@code volume}, {@code network} (and {@code plugin}, {@code daemon}, {@code service},
 * {@code node}, {@code secret}, {@code config}): the actor's ID or {@code name} attribute, exactly or by prefix.</li>
 * <li>{@code image}: the actor's ID or image name (the {@code name} attribute of image events, {@code image} of the
 * others), with or without the tag.</li>
 * <li>{@code label}: {@code k} (present) or {@code k=v} against the attributes.</li>
 * </ul>
 *
 * @see <a href="https://github.com/moby/moby/blob/v28.2.2/daemon/events/filter.go">moby's event filter</a>
 */
public record EventFilter(Map<String, List<String>> terms) {

	/** The keys dockerd accepts on {@code /events}. */
	public static final Set<String> KEYS = Set.of("config", "container", "daemon", "event", "image", "label",
			"network", "node", "plugin", "scope", "secret", "service", "type", "volume");

	private static final Set<String> NAMED_ACTORS = Set.of("config", "container", "daemon", "network", "node", "plugin",
			"secret", "service", "volume");

	private static final EventFilter ALL = new EventFilter(Map.of());

	public EventFilter {
		Map<String, List<String>> copy = new LinkedHashMap<>();
		terms.forEach((k, v) -> copy.put(k, List.copyOf(v)));
		terms = Map.copyOf(copy);
	}

	public static EventFilter all() {
		return ALL;
	}

	public boolean matches(EngineEvent event) {
		// Docker clients know only Docker's event types (docker-java fails on others), so audit events of the
		// dashboard reach only those who ask for them by type.
		if (event.type().equals(EngineEvent.AUDIT) && !this.terms.getOrDefault("type", List.of()).contains(EngineEvent.AUDIT)) {
			return false;
		}
		for (Map.Entry<String, List<String>> term : this.terms.entrySet()) {
			List<String> values = term.getValue();
			if (values.isEmpty()) {
				continue;
			}
			String key = term.getKey();
			boolean ok;
			if (key.equals("type")) {
				ok = values.contains(event.type());
			}
			else if (key.equals("scope")) {
				ok = values.contains("local");
			}
			else if (key.equals("event")) {
				ok = values.stream().anyMatch((v) -> actionMatches(v, event.action()));
			}
			else if (key.equals("image")) {
				ok = imageMatches(values, event);
			}
			else if (key.equals("label")) {
				ok = values.stream().allMatch((v) -> labelMatches(v, event.attributes()));
			}
			else if (NAMED_ACTORS.contains(key)) {
				String name = event.attributes().get("name");
				ok = values.stream()
					.anyMatch((v) -> event.actorId().startsWith(v) || (name != null && name.startsWith(v)));
			}
			else {
				ok = true;
			}
			if (!ok) {
				return false;
			}
		}
		return true;
	}

	private static boolean actionMatches(String wanted, String action) {
		if (action.equals(wanted)) {
			return true;
		}
		int colon = action.indexOf(':');
		return colon >= 0 && action.substring(0, colon).equals(wanted);
	}

	private static boolean imageMatches(List<String> values, EngineEvent event) {
		String name = event.attributes().getOrDefault(event.type().equals("image") ? "name" : "image", "");
		String id = event.actorId();
		for (String v : values) {
			if (v.equals(id) || v.equals(name) || v.equals(stripTag(id)) || v.equals(stripTag(name))) {
				return true;
			}
		}
		return false;
	}

	/** {@code repo:tag} → {@code repo}; a colon inside a registry host ({@code host:5000/repo}) is not a tag. */
	private static String stripTag(String image) {
		int colon = image.lastIndexOf(':');
		return (colon > image.lastIndexOf('/')) ? image.substring(0, colon) : image;
	}

	private static boolean labelMatches(String term, Map<String, String> attributes) {
		int eq = term.indexOf('=');
		if (eq < 0) {
			return attributes.containsKey(term);
		}
		return term.substring(eq + 1).equals(attributes.get(term.substring(0, eq)));
	}

}
