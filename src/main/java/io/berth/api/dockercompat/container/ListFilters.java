package io.berth.api.dockercompat.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.error.InvalidParameterException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The {@code filters} query parameter in both encodings: the CLI's map of maps and docker-py's map of lists. */
final class ListFilters {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ListFilters() {
	}

	static Map<String, List<String>> parse(String filters) {
		Map<String, List<String>> out = new LinkedHashMap<>();
		if (filters == null || filters.isBlank()) {
			return out;
		}
		JsonNode root;
		try {
			root = JSON.readTree(filters);
		}
		catch (JacksonException ex) {
			throw new InvalidParameterException("invalid filter '" + filters + "'");
		}
		if (!root.isObject()) {
			throw new InvalidParameterException("invalid filter '" + filters + "'");
		}
		for (Map.Entry<String, JsonNode> e : root.properties()) {
			List<String> values = new ArrayList<>();
			JsonNode v = e.getValue();
			if (v.isArray()) {
				v.forEach((x) -> values.add(x.asString()));
			}
			else if (v.isObject()) {
				v.properties().forEach((x) -> {
					if (x.getValue().asBoolean()) {
						values.add(x.getKey());
					}
				});
			}
			else {
				throw new InvalidParameterException("invalid filter '" + filters + "'");
			}
			out.put(e.getKey(), values);
		}
		return out;
	}

}
