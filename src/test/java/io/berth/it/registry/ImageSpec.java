package io.berth.it.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** A test image: its layers, bottom first, and the config fields the tests read back through the daemon. */
public final class ImageSpec {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<TarLayer> layers = new ArrayList<>();

	private final List<String> env = new ArrayList<>(
			List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));

	private final Map<String, String> labels = new LinkedHashMap<>();

	private List<String> cmd;

	private List<String> entrypoint;

	private String workingDir;

	private String os = "linux";

	private String architecture = "amd64";

	private String variant;

	public static ImageSpec create() {
		return new ImageSpec();
	}

	public ImageSpec layer(TarLayer layer) {
		this.layers.add(layer);
		return this;
	}

	public ImageSpec env(String entry) {
		this.env.add(entry);
		return this;
	}

	public ImageSpec cmd(String... cmd) {
		this.cmd = List.of(cmd);
		return this;
	}

	public ImageSpec entrypoint(String... entrypoint) {
		this.entrypoint = List.of(entrypoint);
		return this;
	}

	public ImageSpec workingDir(String workingDir) {
		this.workingDir = workingDir;
		return this;
	}

	public ImageSpec label(String key, String value) {
		this.labels.put(key, value);
		return this;
	}

	public ImageSpec platform(String os, String architecture, String variant) {
		this.os = os;
		this.architecture = architecture;
		this.variant = variant;
		return this;
	}

	public List<TarLayer> layers() {
		return List.copyOf(this.layers);
	}

	/** The OCI platform object of the config and of an index entry. */
	ObjectNode platform() {
		ObjectNode p = JSON.createObjectNode().put("architecture", this.architecture).put("os", this.os);
		if (this.variant != null) {
			p.put("variant", this.variant);
		}
		return p;
	}

	/** The config document, given the diff IDs of the layers in order. */
	byte[] config(List<String> diffIds) {
		ObjectNode root = JSON.createObjectNode();
		root.put("created", "2024-01-01T00:00:00Z");
		root.setAll(platform());
		ObjectNode config = root.putObject("config");
		this.env.forEach(config.putArray("Env")::add);
		if (this.cmd != null) {
			this.cmd.forEach(config.putArray("Cmd")::add);
		}
		if (this.entrypoint != null) {
			this.entrypoint.forEach(config.putArray("Entrypoint")::add);
		}
		if (this.workingDir != null) {
			config.put("WorkingDir", this.workingDir);
		}
		if (!this.labels.isEmpty()) {
			ObjectNode labels = config.putObject("Labels");
			this.labels.forEach(labels::put);
		}
		ObjectNode rootfs = root.putObject("rootfs").put("type", "layers");
		ArrayNode ids = rootfs.putArray("diff_ids");
		diffIds.forEach(ids::add);
		ArrayNode history = root.putArray("history");
		for (int i = 0; i < diffIds.size(); i++) {
			history.addObject().put("created", "2024-01-01T00:00:00Z").put("created_by", "berth-it layer " + i);
		}
		return JSON.writeValueAsBytes(root);
	}

}
