package io.berth.api.dockercompat.system;

import java.util.List;
import java.util.Map;

import io.berth.api.dockercompat.ApiVersion;
import io.berth.host.HostInfo;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /version}: the engine's version and the API versions it speaks. */
@RestController
class VersionController {

	private final HostInfo host;

	VersionController(HostInfo host) {
		this.host = host;
	}

	@GetMapping("/version")
	Map<String, Object> version() {
		Map<String, Object> details = Map.of("ApiVersion", ApiVersion.CURRENT, "MinAPIVersion", ApiVersion.MINIMUM,
				"Arch", "amd64", "Os", "linux", "KernelVersion", this.host.kernelVersion(), "Experimental", "false",
				"GitCommit", "berth", "GoVersion", "java" + Runtime.version().feature(), "BuildTime", "");
		return Map.ofEntries(Map.entry("Platform", Map.of("Name", "Berth Engine")),
				Map.entry("Components",
						List.of(Map.of("Name", "Engine", "Version", ApiVersion.ENGINE_VERSION, "Details", details))),
				Map.entry("Version", ApiVersion.ENGINE_VERSION), Map.entry("ApiVersion", ApiVersion.CURRENT),
				Map.entry("MinAPIVersion", ApiVersion.MINIMUM), Map.entry("GitCommit", "berth"),
				Map.entry("GoVersion", "java" + Runtime.version().feature()), Map.entry("Os", "linux"),
				Map.entry("Arch", "amd64"), Map.entry("KernelVersion", this.host.kernelVersion()),
				Map.entry("BuildTime", ""));
	}

}
