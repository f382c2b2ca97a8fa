package io.berth.persistence;

import java.util.Map;
import java.util.TreeMap;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stores a string map (labels, event attributes, driver options) as one JSON text column: the maps are small, are
 * always read whole, and are never queried by key in SQL.
 */
@Converter
public class JsonStringMapConverter implements AttributeConverter<Map<String, String>, String> {

	private static final TypeReference<TreeMap<String, String>> TYPE = new TypeReference<>() {
	};

	@Override
	public String convertToDatabaseColumn(@Nullable Map<String, String> map) {
		// Sorted, so the same map always gives the same text.
		return JsonMapper.shared().writeValueAsString((map != null) ? new TreeMap<>(map) : Map.of());
	}

	@Override
	public Map<String, String> convertToEntityAttribute(@Nullable String json) {
		if (json == null || json.isBlank()) {
			return Map.of();
		}
		return Map.copyOf(JsonMapper.shared().readValue(json, TYPE));
	}

}
