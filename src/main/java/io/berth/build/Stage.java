package io.berth.build;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One stage of a build while it runs: the image so far (null while it is {@code scratch}), the config the next image
 * gets, and the ARGs in scope. The config is Docker's image config object ({@code Env}, {@code Cmd},
 * {@code WorkingDir}, ...), kept as JSON so fields Berth does not interpret pass through unchanged.
 */
final class Stage {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private final @Nullable String name;

	private @Nullable String imageId;

	private ObjectNode config;

	private final Map<String, @Nullable String> args = new LinkedHashMap<>();

	/** Whether CMD was set in this stage, which keeps ENTRYPOINT from clearing it. */
	private boolean cmdSet;

	Stage(@Nullable String name, @Nullable String imageId, ObjectNode config) {
		this.name = name;
		this.imageId = imageId;
		this.config = config;
	}

	@Nullable String name() {
		return this.name;
	}

	@Nullable String imageId() {
		return this.imageId;
	}

	void advance(String imageId) {
		this.imageId = imageId;
	}

	ObjectNode config() {
		return this.config;
	}

	Map<String, @Nullable String> args() {
		return this.args;
	}

	boolean cmdSet() {
		return this.cmdSet;
	}

	void markCmdSet() {
		this.cmdSet = true;
	}

	/** The config as a plain map, for the image committer. */
	@SuppressWarnings("unchecked")
	Map<String, Object> configMap() {
		return JSON.convertValue(this.config, LinkedHashMap.class);
	}

	/** {@code Env} as {@code K=V} entries, in order. */
	List<String> env() {
		List<String> out = new ArrayList<>();
		this.config.path("Env").forEach((e) -> out.add(e.asString()));
		return out;
	}

	/** What {@code $NAME} means in this stage: ENV first, then ARG, as the classic builder looks them up. */
	@Nullable String lookup(String name) {
		for (String e : env()) {
			int eq = e.indexOf('=');
			if (eq > 0 && e.substring(0, eq).equals(name)) {
				return e.substring(eq + 1);
			}
		}
		return this.args.get(name);
	}

	void setEnv(String key, String value) {
		ArrayNode env = JSON.createArrayNode();
		boolean replaced = false;
		for (String e : env()) {
			if (e.startsWith(key + "=")) {
				env.add(key + "=" + value);
				replaced = true;
			}
			else {
				env.add(e);
			}
		}
		if (!replaced) {
			env.add(key + "=" + value);
		}
		this.config.set("Env", env);
	}

	String workingDir() {
		String w = this.config.path("WorkingDir").asString("");
		return w.isEmpty() ? "/" : w;
	}

	String user() {
		return this.config.path("User").asString("");
	}

	/** The shell of shell-form commands: {@code SHELL}'s, or {@code /bin/sh -c}. */
	List<String> shell() {
		JsonNode shell = this.config.path("Shell");
		if (shell.isArray() && !shell.isEmpty()) {
			List<String> out = new ArrayList<>();
			shell.forEach((s) -> out.add(s.asString()));
			return out;
		}
		return List.of("/bin/sh", "-c");
	}

	/** An object member of the config, made if missing (Labels, ExposedPorts, Volumes). */
	ObjectNode object(String field) {
		JsonNode n = this.config.get(field);
		if (n instanceof ObjectNode o) {
			return o;
		}
		ObjectNode o = JSON.createObjectNode();
		this.config.set(field, o);
		return o;
	}

}
