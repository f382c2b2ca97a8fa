package io.berth.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.berth.error.InvalidParameterException;
import tools.jackson.databind.JsonNode;

/**
 * One {@code -p}: a container port published on a host address and port. Host port 0 means one the engine picks
 * when the container starts, and a range ({@code -p 8000-8010:80}) the first free one in it.
 *
 * @param containerPort the port inside the container
 * @param protocol {@code tcp} or {@code udp}; sctp is refused
 * @param hostIp the host address to listen on, {@code 0.0.0.0} for all
 * @param hostPort the host port, or 0 for a free one; the first of a range
 * @param hostPortEnd the last port of a range, or the host port itself
 */
public record PortBinding(int containerPort, String protocol, String hostIp, int hostPort, int hostPortEnd) {

	public PortBinding {
		if (containerPort < 1 || containerPort > 65535) {
			throw new InvalidParameterException("invalid container port " + containerPort);
		}
		if (hostPort < 0 || hostPort > 65535 || hostPortEnd < hostPort || hostPortEnd > 65535) {
			throw new InvalidParameterException("invalid host port " + hostPort
					+ ((hostPortEnd != hostPort) ? "-" + hostPortEnd : ""));
		}
		if (!protocol.equals("tcp") && !protocol.equals("udp")) {
			throw new InvalidParameterException("publishing " + protocol + " ports is not supported; only tcp and "
					+ "udp");
		}
		if (!hostIp.matches("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}")) {
			throw new InvalidParameterException("invalid host IP " + hostIp + ": only IPv4 addresses are supported");
		}
	}

	/** The {@code 80/tcp} key Docker uses for the container port. */
	public String key() {
		return this.containerPort + "/" + this.protocol;
	}

	/** Parses a container port key: {@code 80}, {@code 80/tcp}. */
	static int parsePortKey(String key, String[] protocolOut) {
		String[] parts = key.split("/", -1);
		if (parts.length > 2 || parts[0].isEmpty() || !parts[0].chars().allMatch(Character::isDigit)
				|| parts[0].length() > 5) {
			throw new InvalidParameterException("invalid port specification: \"" + key + "\"");
		}
		protocolOut[0] = (parts.length == 2) ? parts[1].toLowerCase() : "tcp";
		return Integer.parseInt(parts[0]);
	}

	/** Reads {@code HostConfig.PortBindings}: {@code {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}}. */
	static List<PortBinding> parse(JsonNode bindings) {
		List<PortBinding> out = new ArrayList<>();
		if (bindings == null || bindings.isMissingNode() || bindings.isNull()) {
			return out;
		}
		if (!bindings.isObject()) {
			throw new InvalidParameterException("PortBindings must be an object");
		}
		for (Map.Entry<String, JsonNode> e : bindings.properties()) {
			String[] protocol = new String[1];
			int containerPort = parsePortKey(e.getKey(), protocol);
			JsonNode list = e.getValue();
			if (list == null || list.isNull()) {
				continue;
			}
			if (!list.isArray()) {
				throw new InvalidParameterException("PortBindings of " + e.getKey() + " must be a list");
			}
			for (JsonNode b : list) {
				String ip = b.path("HostIp").isString() ? b.path("HostIp").asString() : "";
				String port = b.path("HostPort").isString() ? b.path("HostPort").asString() : "";
				if (!port.isEmpty() && !port.matches("\\d{1,5}(-\\d{1,5})?")) {
					throw new InvalidParameterException("invalid host port " + port);
				}
				int dash = port.indexOf('-');
				int first = port.isEmpty() ? 0 : Integer.parseInt((dash < 0) ? port : port.substring(0, dash));
				int last = (dash < 0) ? first : Integer.parseInt(port.substring(dash + 1));
				out.add(new PortBinding(containerPort, protocol[0], ip.isEmpty() ? "0.0.0.0" : ip, first, last));
			}
		}
		return out;
	}

}
