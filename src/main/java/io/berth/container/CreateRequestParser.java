package io.berth.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.berth.error.InvalidParameterException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads Docker's {@code POST /containers/create} body (a {@code Config} with an embedded {@code HostConfig}) into a
 * {@link ContainerSpec}. Unknown fields are ignored, as dockerd ignores them; a known field of the wrong type is a
 * 400 naming it.
 */
final class CreateRequestParser {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The parsed request plus the parts kept as Docker sent them. */
	record Parsed(ContainerSpec spec, Set<String> volumes, Map<String, Object> exposedPorts, String hostConfigJson,
			List<EndpointRequest> endpoints) {
	}

	private CreateRequestParser() {
	}

	static Parsed parse(String body) {
		JsonNode root;
		try {
			root = JSON.readTree(body.isBlank() ? "{}" : body);
		}
		catch (JacksonException ex) {
			throw new InvalidParameterException("invalid JSON: " + ex.getOriginalMessage());
		}
		if (!root.isObject()) {
			throw new InvalidParameterException("invalid JSON: the body must be an object");
		}
		JsonNode hc = root.path("HostConfig");
		if (!hc.isMissingNode() && !hc.isNull() && !hc.isObject()) {
			throw new InvalidParameterException("invalid JSON: HostConfig must be an object");
		}
		ContainerSpec.HostSettings host = hostSettings(hc);
		ContainerSpec spec = new ContainerSpec(text(root, "Image"), strings(root, "Entrypoint", true),
				strings(root, "Cmd", true), strings(root, "Env", false), text(root, "WorkingDir"), text(root, "User"),
				text(root, "Hostname"), text(root, "Domainname"), bool(root, "Tty"), bool(root, "OpenStdin"),
				bool(root, "StdinOnce"), stringMap(root, "Labels"), text(root, "StopSignal"),
				root.hasNonNull("StopTimeout") ? (int) number(root, "StopTimeout") : null, host);
		Set<String> volumes = new LinkedHashSet<>(objectKeys(root, "Volumes"));
		Map<String, Object> exposed = new LinkedHashMap<>();
		for (String p : objectKeys(root, "ExposedPorts")) {
			exposed.put(p.contains("/") ? p : p + "/tcp", Map.of());
		}
		String hostJson = (hc.isObject()) ? JSON.writeValueAsString(hc) : "{}";
		return new Parsed(spec, volumes, exposed, hostJson, endpoints(root.path("NetworkingConfig")));
	}

	/** {@code NetworkingConfig.EndpointsConfig}: per network, its aliases and a fixed address. */
	private static List<EndpointRequest> endpoints(JsonNode networking) {
		List<EndpointRequest> out = new ArrayList<>();
		JsonNode config = networking.path("EndpointsConfig");
		if (config.isMissingNode() || config.isNull()) {
			return out;
		}
		if (!config.isObject()) {
			throw wrongType("NetworkingConfig.EndpointsConfig", "object", config);
		}
		for (Map.Entry<String, JsonNode> e : config.properties()) {
			JsonNode ep = e.getValue();
			if (ep == null || ep.isNull()) {
				out.add(new EndpointRequest(e.getKey(), List.of(), null));
				continue;
			}
			if (!ep.isObject()) {
				throw wrongType("NetworkingConfig.EndpointsConfig." + e.getKey(), "object", ep);
			}
			JsonNode ipam = ep.path("IPAMConfig");
			String ipv4 = ipam.isObject() ? text(ipam, "IPv4Address") : null;
			out.add(new EndpointRequest(e.getKey(), strings(ep, "Aliases", false), ipv4));
		}
		return out;
	}

	/** Reads a stored HostConfig document back into settings. */
	static ContainerSpec.HostSettings hostSettings(String hostConfigJson) {
		return hostSettings(JSON.readTree(hostConfigJson));
	}

	private static ContainerSpec.HostSettings hostSettings(JsonNode hc) {
		JsonNode rp = hc.path("RestartPolicy");
		ContainerSpec.RestartPolicy restart = rp.isObject()
				? new ContainerSpec.RestartPolicy(text(rp, "Name"), (int) number(rp, "MaximumRetryCount"))
				: ContainerSpec.RestartPolicy.NO;
		List<ContainerSpec.Ulimit> ulimits = new ArrayList<>();
		JsonNode ul = hc.path("Ulimits");
		if (ul.isArray()) {
			for (JsonNode u : ul) {
				ulimits.add(new ContainerSpec.Ulimit(text(u, "Name"), number(u, "Soft"), number(u, "Hard")));
			}
		}
		List<Integer> console = new ArrayList<>();
		JsonNode cs = hc.path("ConsoleSize");
		if (cs.isArray()) {
			cs.forEach((n) -> console.add(n.asInt()));
		}
		return new ContainerSpec.HostSettings(strings(hc, "Binds", false), stringMap(hc, "Tmpfs"),
				number(hc, "Memory"), number(hc, "MemorySwap"), number(hc, "NanoCpus"), number(hc, "CpuShares"),
				number(hc, "CpuQuota"), number(hc, "CpuPeriod"), text(hc, "CpusetCpus"), number(hc, "PidsLimit"),
				ulimits, strings(hc, "CapAdd", false), strings(hc, "CapDrop", false), bool(hc, "Privileged"),
				bool(hc, "ReadonlyRootfs"), text(hc, "NetworkMode"), restart, bool(hc, "AutoRemove"), console,
				number(hc, "ShmSize"), (int) number(hc, "OomScoreAdj"), strings(hc, "SecurityOpt", false),
				PortBinding.parse(hc.path("PortBindings")), bool(hc, "PublishAllPorts"), strings(hc, "ExtraHosts", false),
				strings(hc, "Dns", false), strings(hc, "DnsSearch", false), strings(hc, "DnsOptions", false));
	}

	private static String text(JsonNode n, String field) {
		JsonNode v = n.path(field);
		if (v.isMissingNode() || v.isNull()) {
			return "";
		}
		if (!v.isString()) {
			throw wrongType(field, "string", v);
		}
		return v.asString();
	}

	private static boolean bool(JsonNode n, String field) {
		JsonNode v = n.path(field);
		if (v.isMissingNode() || v.isNull()) {
			return false;
		}
		if (!v.isBoolean()) {
			throw wrongType(field, "bool", v);
		}
		return v.asBoolean();
	}

	private static long number(JsonNode n, String field) {
		JsonNode v = n.path(field);
		if (v.isMissingNode() || v.isNull()) {
			return 0;
		}
		if (!v.isIntegralNumber() || !v.canConvertToLong()) {
			throw wrongType(field, "int64", v);
		}
		return v.asLong();
	}

	/** A string list; Docker also accepts a single string for Cmd and Entrypoint. Null when absent and nullable. */
	private static List<String> strings(JsonNode n, String field, boolean nullable) {
		JsonNode v = n.path(field);
		if (v.isMissingNode() || v.isNull()) {
			return nullable ? null : List.of();
		}
		if (v.isString()) {
			return List.of(v.asString());
		}
		if (!v.isArray()) {
			throw wrongType(field, "[]string", v);
		}
		List<String> out = new ArrayList<>();
		for (JsonNode e : v) {
			if (!e.isString()) {
				throw wrongType(field, "[]string", v);
			}
			out.add(e.asString());
		}
		return out;
	}

	private static Map<String, String> stringMap(JsonNode n, String field) {
		JsonNode v = n.path(field);
		if (v.isMissingNode() || v.isNull()) {
			return Map.of();
		}
		if (!v.isObject()) {
			throw wrongType(field, "map[string]string", v);
		}
		Map<String, String> out = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> e : v.properties()) {
			if (!e.getValue().isString()) {
				throw wrongType(field, "map[string]string", v);
			}
			out.put(e.getKey(), e.getValue().asString());
		}
		return out;
	}

	private static List<String> objectKeys(JsonNode n, String field) {
		JsonNode v = n.path(field);
		if (v.isMissingNode() || v.isNull()) {
			return List.of();
		}
		if (!v.isObject()) {
			throw wrongType(field, "object", v);
		}
		List<String> keys = new ArrayList<>();
		v.properties().forEach((e) -> keys.add(e.getKey()));
		return keys;
	}

	private static InvalidParameterException wrongType(String field, String type, JsonNode v) {
		return new InvalidParameterException("json: cannot unmarshal " + v.getNodeType().name().toLowerCase()
				+ " into Go struct field " + field + " of type " + type);
	}

}
