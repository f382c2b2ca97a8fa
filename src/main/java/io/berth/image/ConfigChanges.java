package io.berth.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.berth.error.InvalidParameterException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Applies {@code docker import -c} changes, Dockerfile instructions, to a Docker container config object: CMD,
 * ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE, VOLUME, STOPSIGNAL and ONBUILD, each in shell or JSON form as a
 * Dockerfile allows. Anything else is refused with dockerd's wording.
 */
final class ConfigChanges {

	private static final Pattern PORT = Pattern.compile("^(\\d+)(?:-(\\d+))?(?:/(tcp|udp|sctp))?$",
			Pattern.CASE_INSENSITIVE);

	private final ObjectNode config;

	private boolean cmdSet;

	private ConfigChanges(ObjectNode config) {
		this.config = config;
	}

	/**
	 * Applies the changes in order to the config object.
	 * @throws InvalidParameterException when a change is not a valid instruction
	 */
	static void apply(ObjectNode config, List<String> changes) {
		ConfigChanges c = new ConfigChanges(config);
		for (String change : changes) {
			for (String line : change.split("\\r?\\n")) {
				if (!line.isBlank() && !line.stripLeading().startsWith("#")) {
					c.applyLine(line.strip());
				}
			}
		}
	}

	/** Checks the changes without applying them anywhere, so a request fails before its body is read. */
	static void validate(List<String> changes) {
		apply(ImageConfigs.emptyRunConfig(), changes);
	}

	private void applyLine(String line) {
		int space = indexOfWhitespace(line);
		String keyword = ((space < 0) ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
		String rest = (space < 0) ? "" : line.substring(space).strip();
		switch (keyword) {
			case "CMD" -> {
				this.config.set("Cmd", commandForm(rest));
				this.cmdSet = true;
			}
			case "ENTRYPOINT" -> {
				ArrayNode entrypoint = commandForm(rest);
				this.config.set("Entrypoint", entrypoint);
				if (!this.cmdSet) {
					// As in a Dockerfile, a new ENTRYPOINT drops a CMD that was not set alongside it.
					this.config.putNull("Cmd");
				}
			}
			case "ENV" -> env(rest);
			case "LABEL" -> label(rest);
			case "WORKDIR" -> workdir(rest);
			case "USER" -> {
				require(keyword, rest);
				this.config.put("User", expand(rest));
			}
			case "EXPOSE" -> expose(rest);
			case "VOLUME" -> volume(rest);
			case "STOPSIGNAL" -> {
				require(keyword, rest);
				if (!rest.matches("^(SIG)?[A-Z0-9+-]+$|^\\d+$")) {
					throw new InvalidParameterException("Invalid signal: " + rest);
				}
				this.config.put("StopSignal", rest);
			}
			case "ONBUILD" -> {
				require(keyword, rest);
				ArrayNode onBuild = (this.config.get("OnBuild") instanceof ArrayNode a) ? a
						: this.config.putArray("OnBuild");
				onBuild.add(rest);
			}
			default -> throw new InvalidParameterException(keyword + " is not a valid change command");
		}
	}

	private static void require(String keyword, String rest) {
		if (rest.isEmpty()) {
			throw new InvalidParameterException(keyword + " requires at least one argument");
		}
	}

	/** {@code ["a","b"]} is the exec form; anything else runs through {@code /bin/sh -c}. */
	private ArrayNode commandForm(String rest) {
		ArrayNode json = jsonArray(rest);
		if (json != null) {
			return json;
		}
		ArrayNode shell = this.config.arrayNode();
		shell.add("/bin/sh");
		shell.add("-c");
		shell.add(rest);
		return shell;
	}

	private ArrayNode jsonArray(String rest) {
		if (!rest.startsWith("[")) {
			return null;
		}
		try {
			JsonNode node = ImageConfigs.MAPPER.readTree(rest);
			if (!(node instanceof ArrayNode array)) {
				return null;
			}
			for (JsonNode item : array) {
				if (!item.isString()) {
					return null;
				}
			}
			return array;
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private void env(String rest) {
		require("ENV", rest);
		for (Map.Entry<String, String> pair : nameValues("ENV", rest).entrySet()) {
			setEnv(pair.getKey(), pair.getValue());
		}
	}

	private void label(String rest) {
		require("LABEL", rest);
		Map<String, String> labels = new TreeMap<>();
		if (this.config.get("Labels") instanceof ObjectNode existing) {
			existing.properties().forEach((e) -> labels.put(e.getKey(), e.getValue().asString()));
		}
		labels.putAll(nameValues("LABEL", rest));
		ObjectNode node = this.config.objectNode();
		labels.forEach(node::put);
		this.config.set("Labels", node);
	}

	private void workdir(String rest) {
		require("WORKDIR", rest);
		String dir = expand(unquote(rest));
		if (!dir.startsWith("/")) {
			String current = this.config.path("WorkingDir").asString("");
			dir = (current.isEmpty() ? "/" : current) + "/" + dir;
		}
		this.config.put("WorkingDir", cleanPath(dir));
	}

	private void expose(String rest) {
		require("EXPOSE", rest);
		Map<String, Boolean> ports = new TreeMap<>();
		if (this.config.get("ExposedPorts") instanceof ObjectNode existing) {
			existing.propertyNames().forEach((p) -> ports.put(p, true));
		}
		for (String token : rest.split("\\s+")) {
			Matcher m = PORT.matcher(expand(token));
			if (!m.matches()) {
				throw new InvalidParameterException("invalid containerPort: " + token);
			}
			int from = Integer.parseInt(m.group(1));
			int to = (m.group(2) != null) ? Integer.parseInt(m.group(2)) : from;
			String proto = (m.group(3) != null) ? m.group(3).toLowerCase(Locale.ROOT) : "tcp";
			if (from < 1 || to > 65535 || to < from) {
				throw new InvalidParameterException("invalid containerPort: " + token);
			}
			for (int p = from; p <= to; p++) {
				ports.put(p + "/" + proto, true);
			}
		}
		ObjectNode node = this.config.objectNode();
		ports.keySet().forEach((p) -> node.putObject(p));
		this.config.set("ExposedPorts", node);
	}

	private void volume(String rest) {
		require("VOLUME", rest);
		List<String> paths = new ArrayList<>();
		ArrayNode json = jsonArray(rest);
		if (json != null) {
			json.forEach((n) -> paths.add(n.asString()));
		}
		else {
			for (String p : rest.split("\\s+")) {
				paths.add(expand(p));
			}
		}
		Map<String, Boolean> volumes = new TreeMap<>();
		if (this.config.get("Volumes") instanceof ObjectNode existing) {
			existing.propertyNames().forEach((v) -> volumes.put(v, true));
		}
		for (String p : paths) {
			if (p.isBlank()) {
				throw new InvalidParameterException("VOLUME specified can not be an empty string");
			}
			volumes.put(p, true);
		}
		ObjectNode node = this.config.objectNode();
		volumes.keySet().forEach((v) -> node.putObject(v));
		this.config.set("Volumes", node);
	}

	private void setEnv(String key, String value) {
		ArrayNode env = this.config.arrayNode();
		boolean replaced = false;
		if (this.config.get("Env") instanceof ArrayNode existing) {
			for (JsonNode item : existing) {
				String s = item.asString();
				if (s.startsWith(key + "=") || s.equals(key)) {
					if (!replaced) {
						env.add(key + "=" + value);
						replaced = true;
					}
				}
				else {
					env.add(s);
				}
			}
		}
		if (!replaced) {
			env.add(key + "=" + value);
		}
		this.config.set("Env", env);
	}

	/**
	 * Reads {@code k=v k2="v 2"} pairs, or the legacy {@code KEY the rest of the line} form that a Dockerfile still
	 * accepts for ENV and LABEL.
	 */
	private Map<String, String> nameValues(String keyword, String rest) {
		List<String> words = words(rest);
		Map<String, String> pairs = new LinkedHashMap<>();
		if (!words.isEmpty() && !words.get(0).contains("=")) {
			int space = indexOfWhitespace(rest);
			if (space < 0) {
				throw new InvalidParameterException(keyword + " names can not be blank");
			}
			pairs.put(unquote(rest.substring(0, space)), expand(unquote(rest.substring(space).strip())));
			return pairs;
		}
		for (String word : words) {
			int eq = word.indexOf('=');
			if (eq <= 0) {
				throw new InvalidParameterException("Syntax error - can't find = in \"" + word
						+ "\". Must be of the form: name=value");
			}
			pairs.put(word.substring(0, eq), word.substring(eq + 1));
		}
		return pairs;
	}

	/** Splits on unquoted whitespace, removing quotes and backslash escapes and expanding variables. */
	private List<String> words(String text) {
		List<String> words = new ArrayList<>();
		StringBuilder word = new StringBuilder();
		boolean inWord = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isWhitespace(c)) {
				if (inWord) {
					words.add(word.toString());
					word.setLength(0);
					inWord = false;
				}
				continue;
			}
			inWord = true;
			if (c == '\\' && i + 1 < text.length()) {
				word.append(text.charAt(++i));
			}
			else if (c == '\'') {
				int end = text.indexOf('\'', i + 1);
				if (end < 0) {
					throw new InvalidParameterException("unexpected end of statement while looking for matching '");
				}
				word.append(text, i + 1, end);
				i = end;
			}
			else if (c == '"') {
				StringBuilder quoted = new StringBuilder();
				int j = i + 1;
				for (; j < text.length() && text.charAt(j) != '"'; j++) {
					char q = text.charAt(j);
					if (q == '\\' && j + 1 < text.length() && "\"\\$".indexOf(text.charAt(j + 1)) >= 0) {
						quoted.append('\\').append(text.charAt(++j));
					}
					else {
						quoted.append(q);
					}
				}
				if (j >= text.length()) {
					throw new InvalidParameterException("unexpected end of statement while looking for matching \"");
				}
				word.append(expand(quoted.toString()));
				i = j;
			}
			else if (c == '$') {
				int end = variableEnd(text, i);
				word.append(expand(text.substring(i, end)));
				i = end - 1;
			}
			else {
				word.append(c);
			}
		}
		if (inWord) {
			words.add(word.toString());
		}
		return words;
	}

	private static int variableEnd(String text, int dollar) {
		int i = dollar + 1;
		if (i < text.length() && text.charAt(i) == '{') {
			int close = text.indexOf('}', i);
			return (close < 0) ? text.length() : close + 1;
		}
		while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
			i++;
		}
		return i;
	}

	/** Replaces {@code $NAME} and {@code ${NAME}} with the value the config's Env gives so far, as a build would. */
	private String expand(String text) {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '\\' && i + 1 < text.length() && text.charAt(i + 1) == '$') {
				out.append('$');
				i++;
			}
			else if (c == '\\' && i + 1 < text.length() && "\"\\".indexOf(text.charAt(i + 1)) >= 0) {
				out.append(text.charAt(++i));
			}
			else if (c == '$' && i + 1 < text.length()) {
				int end = variableEnd(text, i);
				String name = text.substring(i + 1, end);
				if (name.startsWith("{")) {
					name = name.substring(1, name.length() - (name.endsWith("}") ? 1 : 0));
				}
				if (name.isEmpty()) {
					out.append(c);
					continue;
				}
				out.append(envValue(name));
				i = end - 1;
			}
			else {
				out.append(c);
			}
		}
		return out.toString();
	}

	private String envValue(String name) {
		if (this.config.get("Env") instanceof ArrayNode env) {
			for (JsonNode item : env) {
				String s = item.asString();
				if (s.startsWith(name + "=")) {
					return s.substring(name.length() + 1);
				}
			}
		}
		return "";
	}

	private static String unquote(String s) {
		if (s.length() >= 2 && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")))) {
			return s.substring(1, s.length() - 1);
		}
		return s;
	}

	private static String cleanPath(String path) {
		List<String> parts = new ArrayList<>();
		for (String p : path.split("/")) {
			if (p.isEmpty() || p.equals(".")) {
				continue;
			}
			if (p.equals("..")) {
				if (!parts.isEmpty()) {
					parts.remove(parts.size() - 1);
				}
				continue;
			}
			parts.add(p);
		}
		return "/" + String.join("/", parts);
	}

	private static int indexOfWhitespace(String s) {
		for (int i = 0; i < s.length(); i++) {
			if (Character.isWhitespace(s.charAt(i))) {
				return i;
			}
		}
		return -1;
	}

}
