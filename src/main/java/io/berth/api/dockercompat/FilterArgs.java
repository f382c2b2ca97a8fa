package io.berth.api.dockercompat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.berth.error.InvalidParameterException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code filters} query parameter: URL-decoded JSON in either of the two encodings clients send, the CLI's map of
 * maps {@code {"type":{"container":true}}} or docker-py's lists {@code {"type":["container"]}}. As in dockerd, the
 * booleans of the map form are not read: a value listed is a value filtered on.
 *
 * @see <a href="https://docs.docker.com/engine/api/v1.41/#operation/SystemEvents">filters in the Engine API</a>
 */
public record FilterArgs(Map<String, List<String>> values) {

	private static final FilterArgs EMPTY = new FilterArgs(Map.of());

	public FilterArgs {
		Map<String, List<String>> copy = new LinkedHashMap<>();
		values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
		values = Map.copyOf(copy);
	}

	/** Parses the parameter; absent or blank means no filter. */
	public static FilterArgs parse(String json) {
		if (json == null || json.isBlank()) {
			return EMPTY;
		}
		JsonNode root;
		try {
			root = JsonMapper.shared().readTree(json);
		}
		catch (JacksonException ex) {
			throw new InvalidParameterException("invalid filter: " + ex.getOriginalMessage(), ex);
		}
		if (root == null || root.isNull()) {
			return EMPTY;
		}
		if (!root.isObject()) {
			throw new InvalidParameterException("invalid filter: expected a JSON object, got " + json);
		}
		Map<String, List<String>> values = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> field : root.properties()) {
			List<String> list = new ArrayList<>();
			JsonNode v = field.getValue();
			if (v.isObject()) {
				list.addAll(v.propertyNames());
			}
			else if (v.isArray()) {
				for (JsonNode item : v.values()) {
					list.add(item.isString() ? item.asString() : item.toString());
				}
			}
			else if (v.isString()) {
				list.add(v.asString());
			}
			else {
				throw new InvalidParameterException("invalid filter: the value of '" + field.getKey()
						+ "' must be an object or a list");
			}
			values.put(field.getKey(), list);
		}
		return new FilterArgs(values);
	}

	/** Refuses keys outside {@code accepted}, with dockerd's message. */
	public FilterArgs validate(Set<String> accepted) {
		for (String key : this.values.keySet()) {
			if (!accepted.contains(key)) {
				throw new InvalidParameterException("invalid filter '" + key + "'");
			}
		}
		return this;
	}

	public List<String> get(String key) {
		return this.values.getOrDefault(key, List.of());
	}

	public boolean contains(String key) {
		return this.values.containsKey(key);
	}

	public boolean isEmpty() {
		return this.values.isEmpty();
	}

	/** Whether labels match a {@code key} or {@code key=value} label filter term. */
	public static boolean labelMatches(String term, Map<?, ?> labels) {
		int eq = term.indexOf('=');
		return (eq < 0) ? labels.containsKey(term) : term.substring(eq + 1).equals(labels.get(term.substring(0, eq)));
	}

}
