package io.berth.image.distribution;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** Renders a registry's {@code {"errors":[{"code","message"}]}} body the way Docker's errcode package prints it. */
final class RegistryErrors {

	private static final int MAX_TEXT = 512;

	private RegistryErrors() {
	}

	/** {@code "manifest unknown: manifest unknown"} for a MANIFEST_UNKNOWN error; raw text for other bodies. */
	static String describe(byte[] body) {
		if (body == null || body.length == 0) {
			return "";
		}
		try {
			JsonNode node = RegistrySession.MAPPER.readTree(body);
			JsonNode errors = (node != null) ? node.get("errors") : null;
			if (errors != null && errors.isArray() && !errors.isEmpty()) {
				List<String> parts = new ArrayList<>();
				for (JsonNode e : errors) {
					String code = text(e, "code").toLowerCase(Locale.ROOT).replace('_', ' ');
					String message = text(e, "message");
					parts.add(code.isEmpty() ? message : code + ": " + message);
				}
				return String.join(", ", parts);
			}
		}
		catch (JacksonException ex) {
			// Not JSON: show the start of the text.
		}
		String text = new String(body, StandardCharsets.UTF_8).strip();
		return (text.length() > MAX_TEXT) ? text.substring(0, MAX_TEXT) + "..." : text;
	}

	private static String text(JsonNode node, String field) {
		JsonNode v = node.get(field);
		return (v != null && v.isString()) ? v.asString() : "";
	}

}
