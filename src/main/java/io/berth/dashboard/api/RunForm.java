package io.berth.dashboard.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dashboard's run form, as sent. {@link #toCreateBody()} turns it into the body of Docker's container create, so
 * the engine validates it exactly as it validates the CLI's; what only the CLI parses (ports, volumes, sizes) is
 * parsed here, naming the field at fault.
 */
public record RunForm(String image, String name, String cmd, List<String> env, List<String> ports,
		List<String> volumes, String memory, String cpus, String restart, String network) {

	private static final Pattern PORT = Pattern
		.compile("(?:(\\d{1,3}(?:\\.\\d{1,3}){3}):)?(?:(\\d{1,5})?:)?(\\d{1,5})(?:/(tcp|udp))?");

	private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([bkmg]?)b?", Pattern.CASE_INSENSITIVE);

	private static final Pattern RESTART = Pattern.compile("(no|always|unless-stopped|on-failure)(?::(\\d{1,6}))?");

	public RunForm {
		image = trim(image);
		name = trim(name);
		cmd = trim(cmd);
		env = clean(env);
		ports = clean(ports);
		volumes = clean(volumes);
		memory = trim(memory);
		cpus = trim(cpus);
		restart = trim(restart);
		network = trim(network);
	}

	/** Docker's create body: {@code Image}, {@code Cmd}, {@code Env}, {@code ExposedPorts} and {@code HostConfig}. */
	public Map<String, Object> toCreateBody() {
		if (this.image.isEmpty()) {
			throw new FieldException("image", "an image is required");
		}
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("Image", this.image);
		if (!this.cmd.isEmpty()) {
			body.put("Cmd", ShellWords.split(this.cmd));
		}
		for (String e : this.env) {
			if (e.startsWith("=")) {
				throw new FieldException("env", "invalid environment variable \"" + e + "\": use NAME=value");
			}
		}
		body.put("Env", this.env);
		Map<String, Object> host = new LinkedHashMap<>();
		Map<String, Object> exposed = new LinkedHashMap<>();
		Map<String, List<Map<String, String>>> bindings = new LinkedHashMap<>();
		for (String p : this.ports) {
			Matcher m = PORT.matcher(p);
			if (!m.matches() || !validPort(m.group(3)) || (m.group(2) != null && !validPort(m.group(2)))) {
				throw new FieldException("ports",
						"invalid port \"" + p + "\": use [ip:][hostPort:]containerPort[/tcp|udp], ports 1 to 65535");
			}
			String key = m.group(3) + "/" + ((m.group(4) != null) ? m.group(4) : "tcp");
			exposed.put(key, Map.of());
			Map<String, String> binding = new LinkedHashMap<>();
			binding.put("HostIp", (m.group(1) != null) ? m.group(1) : "");
			binding.put("HostPort", (m.group(2) != null) ? m.group(2) : "");
			bindings.computeIfAbsent(key, (k) -> new ArrayList<>()).add(binding);
		}
		if (!exposed.isEmpty()) {
			body.put("ExposedPorts", exposed);
			host.put("PortBindings", bindings);
		}
		for (String v : this.volumes) {
			String[] parts = v.split(":");
			if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || !parts[1].startsWith("/")) {
				throw new FieldException("volumes",
						"invalid volume \"" + v + "\": use name:/path or /host/path:/path, with :ro to mount read-only");
			}
		}
		if (!this.volumes.isEmpty()) {
			host.put("Binds", this.volumes);
		}
		if (!this.memory.isEmpty()) {
			host.put("Memory", bytes(this.memory));
		}
		if (!this.cpus.isEmpty()) {
			host.put("NanoCpus", nanoCpus(this.cpus));
		}
		if (!this.restart.isEmpty()) {
			Matcher m = RESTART.matcher(this.restart);
			if (!m.matches() || (m.group(2) != null && !m.group(1).equals("on-failure"))) {
				throw new FieldException("restart",
						"invalid restart policy \"" + this.restart + "\": use no, always, unless-stopped or on-failure[:N]");
			}
			host.put("RestartPolicy", Map.of("Name", m.group(1), "MaximumRetryCount",
					(m.group(2) != null) ? Integer.parseInt(m.group(2)) : 0));
		}
		if (!this.network.isEmpty()) {
			host.put("NetworkMode", this.network);
		}
		body.put("HostConfig", host);
		return body;
	}

	/** The {@code docker run} line that does the same. */
	public String cli() {
		List<String> words = new ArrayList<>(List.of("docker", "run", "-d"));
		if (!this.name.isEmpty()) {
			words.addAll(List.of("--name", this.name));
		}
		this.env.forEach((e) -> words.addAll(List.of("-e", e)));
		this.ports.forEach((p) -> words.addAll(List.of("-p", p)));
		this.volumes.forEach((v) -> words.addAll(List.of("-v", v)));
		if (!this.memory.isEmpty()) {
			words.addAll(List.of("--memory", this.memory));
		}
		if (!this.cpus.isEmpty()) {
			words.addAll(List.of("--cpus", this.cpus));
		}
		if (!this.restart.isEmpty() && !this.restart.equals("no")) {
			words.addAll(List.of("--restart", this.restart));
		}
		if (!this.network.isEmpty()) {
			words.addAll(List.of("--network", this.network));
		}
		words.add(this.image);
		String line = ShellWords.join(words);
		return this.cmd.isEmpty() ? line : line + " " + this.cmd;
	}

	static long bytes(String text) {
		Matcher m = SIZE.matcher(text);
		if (!m.matches()) {
			throw new FieldException("memory", "invalid memory limit \"" + text + "\": use a size such as 256m or 1g");
		}
		double n = Double.parseDouble(m.group(1));
		long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
			case "k" -> 1L << 10;
			case "m" -> 1L << 20;
			case "g" -> 1L << 30;
			default -> 1;
		};
		double value = n * unit;
		// dockerd's own floor; below it the container could not even start its first process.
		if (value < 6 * (1 << 20) || value > (1L << 50)) {
			throw new FieldException("memory", "the memory limit must be between 6m and 1024t");
		}
		return (long) value;
	}

	static long nanoCpus(String text) {
		double cpus;
		try {
			cpus = Double.parseDouble(text);
		}
		catch (NumberFormatException ex) {
			throw new FieldException("cpus", "invalid CPU limit \"" + text + "\": use a number such as 0.5 or 2");
		}
		int available = Runtime.getRuntime().availableProcessors();
		if (!(cpus > 0) || cpus > available) {
			throw new FieldException("cpus", "the CPU limit must be more than 0 and at most " + available
					+ ", the CPUs this machine has");
		}
		return Math.round(cpus * 1e9);
	}

	private static boolean validPort(String p) {
		int n = Integer.parseInt(p);
		return n >= 1 && n <= 65535;
	}

	private static String trim(String s) {
		return (s != null) ? s.trim() : "";
	}

	private static List<String> clean(List<String> values) {
		if (values == null) {
			return List.of();
		}
		List<String> out = new ArrayList<>();
		for (String v : values) {
			if (v == null) {
				continue;
			}
			// The form sends one text area per list; commas and new lines both separate entries.
			for (String part : v.split("[\\n,]")) {
				if (!part.isBlank()) {
					out.add(part.trim());
				}
			}
		}
		return List.copyOf(out);
	}

}
