package io.berth.image;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.berth.content.Digest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the image configs Berth writes itself. The bytes are produced the same way every time (fixed field order,
 * map keys sorted as Go sorts them), because their sha256 is the image ID.
 */
final class ImageConfigs {

	static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
		.build();

	static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

	private ImageConfigs() {
	}

	/** Docker's container config with every field at its zero value, in the order dockerd writes them. */
	static ObjectNode emptyRunConfig() {
		ObjectNode c = MAPPER.createObjectNode();
		c.put("Hostname", "");
		c.put("Domainname", "");
		c.put("User", "");
		c.put("AttachStdin", false);
		c.put("AttachStdout", false);
		c.put("AttachStderr", false);
		c.put("Tty", false);
		c.put("OpenStdin", false);
		c.put("StdinOnce", false);
		c.putNull("Env");
		c.putNull("Cmd");
		c.put("Image", "");
		c.putNull("Volumes");
		c.put("WorkingDir", "");
		c.putNull("Entrypoint");
		c.putNull("OnBuild");
		c.putNull("Labels");
		return c;
	}

	/** The run config of an imported image: the default PATH, then the user's changes. */
	static ObjectNode importRunConfig(List<String> changes) {
		ObjectNode c = emptyRunConfig();
		c.putArray("Env").add(DEFAULT_PATH);
		ConfigChanges.apply(c, changes);
		return c;
	}

	/**
	 * The config of a one-layer image made by {@code docker import}, shaped as dockerd writes it.
	 * @param comment the commit message, {@code Imported from -} when the user gave none
	 */
	static byte[] importConfig(ObjectNode runConfig, Digest diffId, Instant created, String comment) {
		String time = Rfc3339.format(created);
		ObjectNode root = MAPPER.createObjectNode();
		root.put("architecture", "amd64");
		root.put("comment", comment);
		root.set("config", runConfig);
		root.put("created", time);
		ArrayNode history = root.putArray("history");
		ObjectNode h = history.addObject();
		h.put("created", time);
		h.put("comment", comment);
		root.put("os", "linux");
		ObjectNode rootfs = root.putObject("rootfs");
		rootfs.put("type", "layers");
		rootfs.putArray("diff_ids").add(diffId.value());
		return MAPPER.writeValueAsBytes(root);
	}

	/**
	 * The config of a committed image, shaped as dockerd's {@code NewChildImage} writes it: the parent's history and
	 * layers plus one step, the committed container's ID and config, and top-level keys in Go's sorted map order.
	 * @param diffId the new layer, or null when the container changed nothing (an empty layer is not added)
	 */
	static byte[] commitConfig(JsonNode parent, ObjectNode runConfig, ObjectNode containerConfig, String containerId,
			String author, String comment, Digest diffId, Instant created) {
		String time = Rfc3339.format(created);
		ObjectNode root = MAPPER.createObjectNode();
		String arch = parent.path("architecture").asString("");
		root.put("architecture", arch.isEmpty() ? "amd64" : arch);
		if (!author.isEmpty()) {
			root.put("author", author);
		}
		if (!comment.isEmpty()) {
			root.put("comment", comment);
		}
		root.set("config", runConfig);
		root.put("container", containerId);
		root.set("container_config", containerConfig);
		root.put("created", time);
		ArrayNode history = root.putArray("history");
		parent.path("history").forEach(history::add);
		ObjectNode step = history.addObject();
		step.put("created", time);
		if (!author.isEmpty()) {
			step.put("author", author);
		}
		List<String> cmd = ConfigDocument.strings(containerConfig.path("Cmd"));
		if (!cmd.isEmpty()) {
			step.put("created_by", String.join(" ", cmd));
		}
		if (!comment.isEmpty()) {
			step.put("comment", comment);
		}
		if (diffId == null) {
			step.put("empty_layer", true);
		}
		root.put("os", "linux");
		ObjectNode rootfs = root.putObject("rootfs");
		rootfs.put("type", "layers");
		ArrayNode diffIds = rootfs.putArray("diff_ids");
		parent.path("rootfs").path("diff_ids").forEach(diffIds::add);
		if (diffId != null) {
			diffIds.add(diffId.value());
		}
		String variant = parent.path("variant").asString("");
		if (!variant.isEmpty()) {
			root.put("variant", variant);
		}
		return MAPPER.writeValueAsBytes(root);
	}

	/**
	 * Fills what the committed config leaves empty from the container's config, as dockerd's commit {@code merge}
	 * does: user, working dir and stop signal when unset, ports, env and volumes added by key, and the command (with
	 * the entrypoint) only when the config sets no entrypoint.
	 */
	static void mergeCommitConfig(ObjectNode user, JsonNode container) {
		fillIfEmpty(user, container, "User");
		mergeKeys(user, container, "ExposedPorts");
		ArrayNode env = user.path("Env").isArray() ? (ArrayNode) user.get("Env") : null;
		if (env == null || env.isEmpty()) {
			copy(user, container, "Env");
		}
		else {
			Set<String> keys = new LinkedHashSet<>();
			env.forEach((e) -> keys.add(envKey(e.asString(""))));
			for (JsonNode e : container.path("Env")) {
				if (keys.add(envKey(e.asString("")))) {
					env.add(e.asString(""));
				}
			}
		}
		if (isEmpty(user.path("Entrypoint"))) {
			if (isEmpty(user.path("Cmd"))) {
				copy(user, container, "Cmd");
				copy(user, container, "ArgsEscaped");
			}
			if (user.path("Entrypoint").isMissingNode() || user.path("Entrypoint").isNull()) {
				copy(user, container, "Entrypoint");
			}
		}
		fillIfEmpty(user, container, "WorkingDir");
		mergeKeys(user, container, "Volumes");
		fillIfEmpty(user, container, "StopSignal");
	}

	private static void fillIfEmpty(ObjectNode user, JsonNode container, String field) {
		if (user.path(field).asString("").isEmpty() && !container.path(field).asString("").isEmpty()) {
			user.put(field, container.path(field).asString());
		}
	}

	private static void mergeKeys(ObjectNode user, JsonNode container, String field) {
		JsonNode from = container.path(field);
		if (!from.isObject() || from.isEmpty()) {
			return;
		}
		if (!user.path(field).isObject()) {
			user.set(field, from.deepCopy());
			return;
		}
		ObjectNode to = (ObjectNode) user.get(field);
		from.properties().forEach((e) -> {
			if (!to.has(e.getKey())) {
				to.set(e.getKey(), e.getValue().deepCopy());
			}
		});
	}

	private static void copy(ObjectNode user, JsonNode container, String field) {
		JsonNode value = container.path(field);
		if (!value.isMissingNode()) {
			user.set(field, value.deepCopy());
		}
	}

	private static boolean isEmpty(JsonNode node) {
		return node.isMissingNode() || node.isNull() || (node.isArray() && node.isEmpty());
	}

	private static String envKey(String env) {
		int eq = env.indexOf('=');
		return (eq < 0) ? env : env.substring(0, eq);
	}

}
