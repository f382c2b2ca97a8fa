package io.berth.api.dockercompat.container;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.stats.StatsSample;
import org.jspecify.annotations.Nullable;

/**
 * Docker's {@code StatsJSON} (API 1.41) built from samples. Go's {@code omitempty} fields are left out when zero, as
 * dockerd's encoder leaves them out, so a first frame's {@code precpu_stats} has no {@code system_cpu_usage} and
 * the CLI's CPU % comes out 0.
 *
 * @see <a href="https://github.com/moby/moby/blob/v20.10.24/api/types/stats.go">api/types/stats.go</a>
 */
final class StatsJson {

	static final String ZERO_TIME = "0001-01-01T00:00:00Z";

	private StatsJson() {
	}

	/**
	 * One frame.
	 * @param previous the sample before, or null for a first frame (zero {@code precpu_stats}, zero preread)
	 */
	static Map<String, Object> of(StatsSample current, @Nullable StatsSample previous, String name, String id) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("read", GoTime.rfc3339Nano(current.read()));
		m.put("preread", (previous != null) ? GoTime.rfc3339Nano(previous.read()) : ZERO_TIME);
		m.put("pids_stats", pids(current.pids()));
		m.put("blkio_stats", blkio(current.blkio(), current.cgroupV2()));
		m.put("num_procs", 0);
		m.put("storage_stats", Map.of());
		m.put("cpu_stats", cpu(current.cpu()));
		m.put("precpu_stats", (previous != null) ? cpu(previous.cpu()) : zeroCpu());
		m.put("memory_stats", memory(current.memory()));
		m.put("name", name);
		m.put("id", id);
		m.put("networks", networks(current.networks()));
		return m;
	}

	/** What dockerd sends for a container that is not running: only the name and ID are set. */
	static Map<String, Object> zero(String name, String id) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("read", ZERO_TIME);
		m.put("preread", ZERO_TIME);
		m.put("pids_stats", Map.of());
		Map<String, Object> blkio = new LinkedHashMap<>();
		for (String key : BLKIO_KEYS) {
			blkio.put(key, null);
		}
		m.put("blkio_stats", blkio);
		m.put("num_procs", 0);
		m.put("storage_stats", Map.of());
		m.put("cpu_stats", zeroCpu());
		m.put("precpu_stats", zeroCpu());
		m.put("memory_stats", Map.of());
		m.put("name", name);
		m.put("id", id);
		return m;
	}

	private static final List<String> BLKIO_KEYS = List.of("io_service_bytes_recursive", "io_serviced_recursive",
			"io_queue_recursive", "io_service_time_recursive", "io_wait_time_recursive", "io_merged_recursive",
			"io_time_recursive", "sectors_recursive");

	private static Map<String, Object> pids(StatsSample.Pids p) {
		Map<String, Object> m = new LinkedHashMap<>();
		putNonZero(m, "current", p.current());
		putNonZero(m, "limit", p.limit());
		return m;
	}

	/**
	 * On v1 runc returns empty lists, which encode as {@code []}; on v2 dockerd fills only the bytes and the other
	 * lists stay nil ({@code null}).
	 */
	private static Map<String, Object> blkio(StatsSample.Blkio b, boolean v2) {
		Map<String, Object> m = new LinkedHashMap<>();
		for (String key : BLKIO_KEYS) {
			List<StatsSample.BlkioEntry> entries = switch (key) {
				case "io_service_bytes_recursive" -> b.serviceBytes();
				case "io_serviced_recursive" -> v2 ? null : b.serviced();
				default -> v2 ? null : List.of();
			};
			m.put(key, (entries == null) ? null : entries.stream().map(StatsJson::blkioEntry).toList());
		}
		return m;
	}

	private static Map<String, Object> blkioEntry(StatsSample.BlkioEntry e) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("major", e.major());
		m.put("minor", e.minor());
		m.put("op", e.op());
		m.put("value", e.value());
		return m;
	}

	private static Map<String, Object> cpu(StatsSample.Cpu c) {
		Map<String, Object> usage = new LinkedHashMap<>();
		usage.put("total_usage", c.totalUsage());
		if (!c.percpuUsage().isEmpty()) {
			usage.put("percpu_usage", c.percpuUsage());
		}
		usage.put("usage_in_kernelmode", c.usageInKernelmode());
		usage.put("usage_in_usermode", c.usageInUsermode());
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("cpu_usage", usage);
		putNonZero(m, "system_cpu_usage", c.systemUsage());
		putNonZero(m, "online_cpus", c.onlineCpus());
		m.put("throttling_data", throttling(c.throttlingPeriods(), c.throttledPeriods(), c.throttledTime()));
		return m;
	}

	private static Map<String, Object> zeroCpu() {
		Map<String, Object> usage = new LinkedHashMap<>();
		usage.put("total_usage", 0);
		usage.put("usage_in_kernelmode", 0);
		usage.put("usage_in_usermode", 0);
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("cpu_usage", usage);
		m.put("throttling_data", throttling(0, 0, 0));
		return m;
	}

	private static Map<String, Object> throttling(long periods, long throttledPeriods, long throttledTime) {
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("periods", periods);
		m.put("throttled_periods", throttledPeriods);
		m.put("throttled_time", throttledTime);
		return m;
	}

	private static Map<String, Object> memory(StatsSample.Memory mem) {
		Map<String, Object> m = new LinkedHashMap<>();
		putNonZero(m, "usage", mem.usage());
		putNonZero(m, "max_usage", mem.maxUsage());
		if (!mem.stats().isEmpty()) {
			m.put("stats", mem.stats());
		}
		putNonZero(m, "failcnt", mem.failcnt());
		putNonZero(m, "limit", mem.limit());
		return m;
	}

	private static Map<String, Object> networks(Map<String, StatsSample.Network> networks) {
		Map<String, Object> out = new LinkedHashMap<>();
		networks.forEach((name, n) -> {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put("rx_bytes", n.rxBytes());
			m.put("rx_packets", n.rxPackets());
			m.put("rx_errors", n.rxErrors());
			m.put("rx_dropped", n.rxDropped());
			m.put("tx_bytes", n.txBytes());
			m.put("tx_packets", n.txPackets());
			m.put("tx_errors", n.txErrors());
			m.put("tx_dropped", n.txDropped());
			out.put(name, m);
		});
		return out;
	}

	private static void putNonZero(Map<String, Object> m, String key, long value) {
		if (value != 0) {
			m.put(key, value);
		}
	}

}
