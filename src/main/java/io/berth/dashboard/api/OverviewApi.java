package io.berth.dashboard.api;

import java.util.LinkedHashMap;
import java.util.Map;

import io.berth.events.EventLog;
import io.berth.host.HostInfo;
import io.berth.system.DiskUsage;
import io.berth.system.EngineInfo;
import io.berth.system.ImageDiskUsage;
import io.berth.system.SystemService;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The overview page's figures: the engine, the counts, the disk and the latest events. */
@RestController
class OverviewApi {

	private final SystemService system;

	private final HostInfo host;

	private final EventLog events;

	OverviewApi(SystemService system, HostInfo host, EventLog events) {
		this.system = system;
		this.host = host;
		this.events = events;
	}

	@GetMapping("/ui/api/overview")
	Map<String, Object> overview() {
		EngineInfo info = this.system.info();
		DiskUsage disk = this.system.diskUsage();
		Map<String, Object> engine = new LinkedHashMap<>();
		engine.put("name", "Berth");
		engine.put("id", info.id());
		engine.put("hostname", this.host.hostname());
		engine.put("kernel", this.host.kernelVersion());
		engine.put("os", this.host.operatingSystem());
		engine.put("cpus", this.host.cpus());
		engine.put("memory", this.host.memTotal());
		engine.put("storageDriver", "overlay2");
		engine.put("backingFilesystem", info.backingFilesystem());
		engine.put("cgroupVersion", info.cgroupVersion());
		engine.put("runtime", info.runtimePath());
		engine.put("dataRoot", info.dataRoot().toString());
		engine.put("java", Runtime.version().toString());
		Map<String, Object> counts = new LinkedHashMap<>();
		counts.put("total", info.containers().total());
		counts.put("running", info.containers().running());
		counts.put("paused", info.containers().paused());
		counts.put("stopped", info.containers().stopped());
		Map<String, Object> diskUse = new LinkedHashMap<>();
		diskUse.put("images", disk.layersSize());
		diskUse.put("containers", disk.containers().stream().mapToLong((c) -> Math.max(0, c.sizeRw())).sum());
		diskUse.put("volumes", disk.volumes().stream().mapToLong((v) -> Math.max(0, v.size())).sum());
		diskUse.put("imagesShared", disk.images().stream().mapToLong(ImageDiskUsage::sharedSize).sum());
		Map<String, Object> out = new LinkedHashMap<>();
		out.put("engine", engine);
		out.put("counts", counts);
		out.put("images", info.images());
		out.put("disk", diskUse);
		EventQuery all = EventQuery.parse(null, null, null, null, null);
		out.put("events", this.events.latest(null, null, all::matches, 20).stream().map(EventView::of).toList());
		return out;
	}

}
