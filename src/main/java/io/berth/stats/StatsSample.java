package io.berth.stats;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One reading of a container's counters, in the units dockerd reports: nanoseconds of CPU time and bytes.
 *
 * @param read when the counters were read
 * @param cgroupV2 whether they came from the unified hierarchy, which has other memory keys and no per-CPU usage
 * @param networks counters per interface of the container's network namespace, loopback left out
 */
public record StatsSample(Instant read, boolean cgroupV2, Cpu cpu, Memory memory, Pids pids, Blkio blkio,
		Map<String, Network> networks) {

	public StatsSample {
		networks = Collections.unmodifiableMap(new LinkedHashMap<>(networks));
	}

	/**
	 * @param totalUsage nanoseconds used by the cgroup, all CPUs together
	 * @param percpuUsage nanoseconds per CPU (v1 only; empty on v2)
	 * @param systemUsage the host's cumulative CPU time in nanoseconds, all CPUs together
	 */
	public record Cpu(long totalUsage, List<Long> percpuUsage, long usageInKernelmode, long usageInUsermode,
			long systemUsage, int onlineCpus, long throttlingPeriods, long throttledPeriods, long throttledTime) {

		public Cpu {
			percpuUsage = List.copyOf(percpuUsage);
		}

	}

	/**
	 * @param maxUsage the high-water mark (v1 only; 0 on v2)
	 * @param stats every key of {@code memory.stat}, in file order
	 * @param limit the cgroup limit, or the host's memory when the cgroup has none
	 */
	public record Memory(long usage, long maxUsage, Map<String, Long> stats, long failcnt, long limit) {

		public Memory {
			stats = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
		}

	}

	/** @param limit 0 when unlimited */
	public record Pids(long current, long limit) {
	}

	/**
	 * Block I/O per device and operation.
	 *
	 * @param serviceBytes bytes transferred ({@code io_service_bytes_recursive})
	 * @param serviced operations ({@code io_serviced_recursive}; empty on v2, which dockerd leaves out)
	 */
	public record Blkio(List<BlkioEntry> serviceBytes, List<BlkioEntry> serviced) {

		public Blkio {
			serviceBytes = List.copyOf(serviceBytes);
			serviced = List.copyOf(serviced);
		}

	}

	/** @param op {@code Read}, {@code Write}, ... on v1; {@code read} or {@code write} on v2 */
	public record BlkioEntry(long major, long minor, String op, long value) {
	}

	public record Network(long rxBytes, long rxPackets, long rxErrors, long rxDropped, long txBytes, long txPackets,
			long txErrors, long txDropped) {
	}

}
