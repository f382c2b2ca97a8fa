package io.berth.image;

import java.time.Instant;
import java.util.List;

import io.berth.content.Digest;
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

}
