package io.berth.stats;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One point of a container's stats chart: the figures {@code docker stats} shows, with the cumulative counters turned
 * into rates over the interval between two samples.
 *
 * @param t when the point was taken, epoch milliseconds (for a history bucket: the bucket's start)
 * @param cpu percent of one core (100 = one full core, 200 = two), as the docker CLI computes it
 * @param mem bytes in use less the inactive page cache, as the docker CLI shows it
 * @param memLimit the cgroup's limit, or the host's memory when it has none
 * @param rx bytes per second received, all interfaces but loopback
 * @param tx bytes per second sent, all interfaces but loopback
 * @param blkRead bytes per second read from block devices
 * @param blkWrite bytes per second written to block devices
 * @param pids processes and threads in the cgroup
 */
public record StatsPoint(long t, double cpu, long mem, long memLimit, double rx, double tx, double blkRead,
		double blkWrite, long pids) {

	/**
	 * The point at {@code current}, with rates over the time since {@code previous}.
	 * @param previous the container's sample before, or null for a first sample: then every rate and the CPU are
	 * zero, as in the docker CLI's first frame
	 */
	public static StatsPoint between(@Nullable StatsSample previous, StatsSample current) {
		long t = current.read().toEpochMilli();
		long mem = memoryUsage(current.memory());
		long memLimit = current.memory().limit();
		long pids = current.pids().current();
		if (previous == null) {
			return new StatsPoint(t, 0, mem, memLimit, 0, 0, 0, 0, pids);
		}
		double seconds = Duration.between(previous.read(), current.read()).toNanos() / 1e9;
		long[] rxTx = networkDeltas(previous.networks(), current.networks());
		long[] now = blockBytes(current.blkio());
		long[] before = blockBytes(previous.blkio());
		return new StatsPoint(t, cpuPercent(previous.cpu(), current.cpu()), mem, memLimit, rate(rxTx[0], seconds),
				rate(rxTx[1], seconds), rate(now[0] - before[0], seconds), rate(now[1] - before[1], seconds), pids);
	}

	/**
	 * The docker CLI's {@code calculateCPUPercentUnix}: the container's share of the host's CPU time over the
	 * interval, times the CPUs online. A counter that went back (a new cgroup after a restart) gives zero.
	 */
	static double cpuPercent(StatsSample.Cpu previous, StatsSample.Cpu current) {
		double cpuDelta = (double) current.totalUsage() - previous.totalUsage();
		double systemDelta = (double) current.systemUsage() - previous.systemUsage();
		int cpus = (current.onlineCpus() != 0) ? current.onlineCpus() : current.percpuUsage().size();
		return (systemDelta > 0 && cpuDelta > 0) ? cpuDelta / systemDelta * cpus * 100.0 : 0;
	}

	/**
	 * The docker CLI's {@code calculateMemUsageUnixNoCache}: usage less {@code total_inactive_file} on v1, less
	 * {@code inactive_file} on v2, when that is smaller than the usage.
	 */
	static long memoryUsage(StatsSample.Memory memory) {
		long usage = memory.usage();
		Long v1 = memory.stats().get("total_inactive_file");
		if (v1 != null && v1 < usage) {
			return usage - v1;
		}
		long v2 = memory.stats().getOrDefault("inactive_file", 0L);
		return (v2 < usage) ? usage - v2 : usage;
	}

	/**
	 * Received and sent bytes since the previous sample, per interface so that an interface that came or went does
	 * not make the sum jump; an interface new since then counts from zero.
	 */
	private static long[] networkDeltas(Map<String, StatsSample.Network> previous,
			Map<String, StatsSample.Network> current) {
		long rx = 0;
		long tx = 0;
		for (Map.Entry<String, StatsSample.Network> e : current.entrySet()) {
			StatsSample.Network before = previous.get(e.getKey());
			rx += Math.max(0, e.getValue().rxBytes() - ((before != null) ? before.rxBytes() : 0));
			tx += Math.max(0, e.getValue().txBytes() - ((before != null) ? before.txBytes() : 0));
		}
		return new long[] { rx, tx };
	}

	/** The docker CLI's {@code calculateBlockIO}: bytes of every entry whose op starts with r or w, any case. */
	private static long[] blockBytes(StatsSample.Blkio blkio) {
		long read = 0;
		long write = 0;
		for (StatsSample.BlkioEntry e : blkio.serviceBytes()) {
			if (e.op().isEmpty()) {
				continue;
			}
			char op = Character.toLowerCase(e.op().charAt(0));
			if (op == 'r') {
				read += e.value();
			}
			else if (op == 'w') {
				write += e.value();
			}
		}
		return new long[] { read, write };
	}

	/** A counter that went back (the cgroup was recreated) or no time passed gives zero rather than a negative rate. */
	private static double rate(long delta, double seconds) {
		return (delta > 0 && seconds > 0) ? delta / seconds : 0;
	}

}
