package io.berth.image;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.berth.content.Digest;
import io.berth.error.InvalidParameterException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A read-only view of an image config (OCI image config or Docker's superset of it): the fields the engine and the
 * API need, without rewriting the bytes, whose sha256 is the image ID.
 *
 * @see <a href="https://github.com/opencontainers/image-spec/blob/main/config.md">OCI image config</a>
 */
public final class ConfigDocument {

	/** One {@code history} item. */
	public record HistoryEntry(Instant created, String createdBy, String comment, String author,
			boolean emptyLayer) {
	}

	private final JsonNode root;

	private ConfigDocument(JsonNode root) {
		this.root = root;
	}

	/**
	 * Parses config bytes.
	 * @throws InvalidParameterException when they are not a JSON object with a layers rootfs
	 */
	public static ConfigDocument parse(byte[] json) {
		JsonNode node;
		try {
			node = ImageConfigs.MAPPER.readTree(json);
		}
		catch (JacksonException ex) {
			throw new InvalidParameterException("invalid image config: " + ex.getOriginalMessage());
		}
		if (!(node instanceof ObjectNode)) {
			throw new InvalidParameterException("invalid image config: not a JSON object");
		}
		ConfigDocument doc = new ConfigDocument(node);
		doc.diffIds();
		return doc;
	}

	/** The layers' diff IDs, lowest first. */
	public List<Digest> diffIds() {
		JsonNode rootfs = this.root.path("rootfs");
		String type = rootfs.path("type").asString("");
		if (!type.equals("layers")) {
			throw new InvalidParameterException("invalid image config: rootfs type " + type + " is not layers");
		}
		List<Digest> ids = new ArrayList<>();
		for (JsonNode d : rootfs.path("diff_ids")) {
			String s = d.asString("");
			if (!Digest.isDigest(s)) {
				throw new InvalidParameterException("invalid image config: invalid diff ID " + s);
			}
			ids.add(Digest.parse(s));
		}
		return ids;
	}

	public Instant created() {
		return Rfc3339.parse(this.root.path("created").asString(""));
	}

	public String architecture() {
		return text(this.root, "architecture");
	}

	public String variant() {
		return text(this.root, "variant");
	}

	public String os() {
		return text(this.root, "os");
	}

	public String author() {
		return text(this.root, "author");
	}

	public String comment() {
		return text(this.root, "comment");
	}

	/** The ID of the container a commit made the image from, or empty. */
	public String container() {
		return text(this.root, "container");
	}

	public String dockerVersion() {
		return text(this.root, "docker_version");
	}

	/** The {@code config} object as JSON values in their order, or an empty map when the image has none. */
	public Map<String, Object> runConfigObject() {
		return object(this.root.path("config"));
	}

	/** The legacy {@code container_config} object, or the zero config dockerd shows for images without one. */
	public Map<String, Object> containerConfigObject() {
		JsonNode legacy = this.root.path("container_config");
		return object(legacy.isObject() && legacy.size() > 0 ? legacy : ImageConfigs.emptyRunConfig());
	}

	public boolean hasRunConfig() {
		return this.root.path("config").isObject();
	}

	/** The run configuration that containers start from. */
	public ImageConfig runConfig() {
		JsonNode c = this.root.path("config");
		return new ImageConfig(strings(c.path("Entrypoint")), strings(c.path("Cmd")), strings(c.path("Env")),
				text(c, "WorkingDir"), text(c, "User"), labels(), keys(c.path("ExposedPorts")),
				keys(c.path("Volumes")), text(c, "StopSignal"));
	}

	public Map<String, String> labels() {
		Map<String, String> labels = new TreeMap<>();
		this.root.path("config").path("Labels").properties()
			.forEach((e) -> labels.put(e.getKey(), e.getValue().asString("")));
		return labels;
	}

	public List<HistoryEntry> history() {
		List<HistoryEntry> out = new ArrayList<>();
		for (JsonNode h : this.root.path("history")) {
			out.add(new HistoryEntry(Rfc3339.parse(h.path("created").asString("")), text(h, "created_by"),
					text(h, "comment"), text(h, "author"), h.path("empty_layer").asBoolean(false)));
		}
		return out;
	}

	private static String text(JsonNode node, String field) {
		JsonNode v = node.path(field);
		return v.isString() ? v.asString() : "";
	}

	static List<String> strings(JsonNode array) {
		List<String> out = new ArrayList<>();
		if (array.isArray()) {
			array.forEach((n) -> out.add(n.asString("")));
		}
		return out;
	}

	private static Set<String> keys(JsonNode object) {
		return new java.util.TreeSet<>(object.isObject() ? object.propertyNames() : List.of());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> object(JsonNode node) {
		if (!node.isObject()) {
			return Map.of();
		}
		return ImageConfigs.MAPPER.convertValue(node, LinkedHashMap.class);
	}

}
