package io.berth.api.dockercompat.system;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.api.dockercompat.ApiVersion;
import io.berth.host.HostInfo;
import io.berth.image.distribution.RegistryProperties;
import io.berth.system.EngineInfo;
import io.berth.system.SystemService;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /info}: what {@code docker info} prints, and what {@code docker inspect} reads while it probes object
 * types ({@code Swarm.ControlAvailable}). Fields Berth has no notion of carry dockerd's zero values, so that the CLI
 * prints them as it would for dockerd.
 *
 * @see <a href="https://docs.docker.com/engine/api/v1.41/#operation/SystemInfo">SystemInfo, API 1.41</a>
 */
@RestController
class InfoController {

	static final String RUNTIME = "berth-runtime";

	private final SystemService system;

	private final HostInfo host;

	private final RegistryProperties registries;

	InfoController(SystemService system, HostInfo host, RegistryProperties registries) {
		this.registries = registries;
		this.system = system;
		this.host = host;
	}

	@GetMapping("/info")
	Map<String, Object> info() {
		EngineInfo e = this.system.info();
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("ID", e.id());
		info.put("Containers", e.containers().total());
		info.put("ContainersRunning", e.containers().running());
		info.put("ContainersPaused", e.containers().paused());
		info.put("ContainersStopped", e.containers().stopped());
		info.put("Images", e.images());
		info.put("Driver", "overlay2");
		info.put("DriverStatus", List.of(List.of("Backing Filesystem", e.backingFilesystem()),
				List.of("Supports d_type", "true"), List.of("Native Overlay Diff", "true")));
		info.put("Plugins", Map.of("Volume", List.of("local"), "Network", List.of("bridge", "host", "null"),
				"Authorization", List.of(), "Log", List.of("json-file")));
		// Limits are enforced through the runtime's cgroup backends, v1 and v2 alike.
		info.put("MemoryLimit", true);
		info.put("SwapLimit", true);
		info.put("KernelMemory", false);
		info.put("KernelMemoryTCP", false);
		info.put("CpuCfsPeriod", true);
		info.put("CpuCfsQuota", true);
		info.put("CPUShares", true);
		info.put("CPUSet", true);
		info.put("PidsLimit", true);
		info.put("IPv4Forwarding", e.ipv4Forwarding());
		info.put("BridgeNfIptables", e.bridgeNfIptables());
		info.put("BridgeNfIp6tables", e.bridgeNfIp6tables());
		info.put("Debug", false);
		info.put("NFd", e.openFiles());
		info.put("OomKillDisable", true);
		info.put("NGoroutines", e.threads());
		info.put("SystemTime", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.now()));
		info.put("LoggingDriver", "json-file");
		info.put("CgroupDriver", "cgroupfs");
		info.put("CgroupVersion", e.cgroupVersion());
		info.put("NEventsListener", e.eventListeners());
		info.put("KernelVersion", this.host.kernelVersion());
		info.put("OperatingSystem", this.host.operatingSystem());
		info.put("OSVersion", "");
		info.put("OSType", "linux");
		info.put("Architecture", "x86_64");
		info.put("IndexServerAddress", "https://index.docker.io/v1/");
		info.put("RegistryConfig", registryConfig());
		info.put("NCPU", this.host.cpus());
		info.put("MemTotal", this.host.memTotal());
		info.put("GenericResources", null);
		info.put("DockerRootDir", e.dataRoot().toString());
		info.put("HttpProxy", env("HTTP_PROXY", "http_proxy"));
		info.put("HttpsProxy", env("HTTPS_PROXY", "https_proxy"));
		info.put("NoProxy", env("NO_PROXY", "no_proxy"));
		info.put("Name", this.host.hostname());
		info.put("Labels", List.of());
		info.put("ExperimentalBuild", false);
		info.put("ServerVersion", ApiVersion.ENGINE_VERSION);
		info.put("Runtimes", Map.of(RUNTIME, Map.of("path", e.runtimePath())));
		info.put("DefaultRuntime", RUNTIME);
		info.put("Swarm", swarm());
		info.put("LiveRestoreEnabled", true);
		info.put("Isolation", "");
		info.put("InitBinary", "");
		info.put("ContainerdCommit", Map.of("ID", "", "Expected", ""));
		info.put("RuncCommit", Map.of("ID", "", "Expected", ""));
		info.put("InitCommit", Map.of("ID", "", "Expected", ""));
		// The CLI at API < 1.42 parses every entry as name=...,key=value pairs.
		info.put("SecurityOptions", List.of("name=seccomp,profile=default"));
		info.put("Warnings", List.of());
		return info;
	}

	private static Map<String, Object> swarm() {
		Map<String, Object> swarm = new LinkedHashMap<>();
		swarm.put("NodeID", "");
		swarm.put("NodeAddr", "");
		swarm.put("LocalNodeState", "inactive");
		swarm.put("ControlAvailable", false);
		swarm.put("Error", "");
		swarm.put("RemoteManagers", null);
		return swarm;
	}

	private static String env(String upper, String lower) {
		String v = System.getenv(upper);
		if (v == null || v.isEmpty()) {
			v = System.getenv(lower);
		}
		return (v != null) ? v : "";
	}

	/** What dockerd reports of its registry settings: insecure CIDRs and hosts, and Docker Hub's mirrors. */
	private Map<String, Object> registryConfig() {
		List<String> cidrs = new ArrayList<>(List.of("127.0.0.0/8"));
		Map<String, Object> indexes = new LinkedHashMap<>();
		indexes.put("docker.io", Map.of("Name", "docker.io", "Mirrors", this.registries.mirrors(), "Secure", true,
				"Official", true));
		for (String entry : this.registries.insecure()) {
			if (entry.contains("/")) {
				cidrs.add(entry);
			}
			else {
				indexes.put(entry, Map.of("Name", entry, "Mirrors", List.of(), "Secure", false, "Official", false));
			}
		}
		Map<String, Object> config = new LinkedHashMap<>();
		config.put("AllowNondistributableArtifactsCIDRs", List.of());
		config.put("AllowNondistributableArtifactsHostnames", List.of());
		config.put("InsecureRegistryCIDRs", cidrs);
		config.put("IndexConfigs", indexes);
		config.put("Mirrors", this.registries.mirrors());
		return config;
	}

}
