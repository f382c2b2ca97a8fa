package io.berth.stats;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.springframework.stereotype.Component;

/**
 * Reads a container's counters the way dockerd (through runc's cgroup code) does, straight from the files. On cgroup
 * v1 each controller is its own hierarchy at {@code <root>/<controller><cgroupPath>}; on v2 everything is in
 * {@code <root><cgroupPath>}. Host-wide numbers come from {@code <proc>/stat} and {@code <proc>/meminfo}.
 *
 * @see <a href="https://github.com/moby/moby/blob/v20.10.24/daemon/stats/collector_unix.go">dockerd's system CPU
 * usage</a>
 */
@Component
public class StatsReader {

	/**
	 * USER_HZ: the unit of /proc/stat and cpuacct.stat. dockerd and runc hard-code 100 too, as every Linux
	 * architecture dockerd runs on uses it.
	 */
	static final long CLOCK_TICKS = 100;

	private static final long NANOS_PER_TICK = 1_000_000_000L / CLOCK_TICKS;

	private final Path cgroupRoot;

	private final Path procRoot;

	private final Clock clock;

	public StatsReader() {
		this(Path.of("/sys/fs/cgroup"), Path.of("/proc"), Clock.systemUTC());
	}

	/** For tests: fixture trees in place of {@code /sys/fs/cgroup} and {@code /proc}. */
	public StatsReader(Path cgroupRoot, Path procRoot, Clock clock) {
		this.cgroupRoot = cgroupRoot;
		this.procRoot = procRoot;
		this.clock = clock;
	}

	/** Whether {@code <root>/cgroup.controllers} exists: a pure v2 host (hybrid hosts count as v1). */
	public boolean isCgroupV2() {
		return Files.exists(this.cgroupRoot.resolve("cgroup.controllers"));
	}

	/** Whether the container's cgroup still exists; the runtime removes it when the container is deleted. */
	public boolean exists(String cgroupPath) {
		return Files.isDirectory(isCgroupV2() ? dir(cgroupPath) : dir("memory", cgroupPath));
	}

	/**
	 * Reads every counter of the container now.
	 * @param cgroupPath the container's cgroup below the hierarchy root, e.g. {@code /berth/<id>}
	 * @param pid the container's init as the host sees it, for its network namespace's counters; 0 for none
	 */
	public StatsSample read(String cgroupPath, int pid) {
		Instant now = this.clock.instant();
		boolean v2 = isCgroupV2();
		ProcStat host = procStat();
		StatsSample.Cpu cpu = v2 ? cpuV2(cgroupPath, host) : cpuV1(cgroupPath, host);
		StatsSample.Memory memory = v2 ? memoryV2(cgroupPath) : memoryV1(cgroupPath);
		Path pidsDir = v2 ? dir(cgroupPath) : dir("pids", cgroupPath);
		StatsSample.Pids pids = new StatsSample.Pids(number(pidsDir.resolve("pids.current")),
				number(pidsDir.resolve("pids.max")));
		StatsSample.Blkio blkio = v2 ? blkioV2(cgroupPath) : blkioV1(cgroupPath);
		return new StatsSample(now, v2, cpu, memory, pids, blkio, networks(pid));
	}

	private StatsSample.Cpu cpuV1(String cgroupPath, ProcStat host) {
		Path acct = dir("cpuacct", cgroupPath);
		List<Long> percpu = new ArrayList<>();
		for (String v : read(acct.resolve("cpuacct.usage_percpu")).trim().split("\\s+")) {
			if (!v.isEmpty()) {
				percpu.add(parse(v));
			}
		}
		Map<String, Long> ticks = keyValues(acct.resolve("cpuacct.stat"));
		Map<String, Long> throttling = keyValues(dir("cpu", cgroupPath).resolve("cpu.stat"));
		return new StatsSample.Cpu(number(acct.resolve("cpuacct.usage")), percpu,
				ticks.getOrDefault("system", 0L) * NANOS_PER_TICK, ticks.getOrDefault("user", 0L) * NANOS_PER_TICK,
				host.systemUsage(), host.onlineCpus(), throttling.getOrDefault("nr_periods", 0L),
				throttling.getOrDefault("nr_throttled", 0L), throttling.getOrDefault("throttled_time", 0L));
	}

	private StatsSample.Cpu cpuV2(String cgroupPath, ProcStat host) {
		Map<String, Long> stat = keyValues(dir(cgroupPath).resolve("cpu.stat"));
		return new StatsSample.Cpu(stat.getOrDefault("usage_usec", 0L) * 1000, List.of(),
				stat.getOrDefault("system_usec", 0L) * 1000, stat.getOrDefault("user_usec", 0L) * 1000,
				host.systemUsage(), host.onlineCpus(), stat.getOrDefault("nr_periods", 0L),
				stat.getOrDefault("nr_throttled", 0L), stat.getOrDefault("throttled_usec", 0L) * 1000);
	}

	private StatsSample.Memory memoryV1(String cgroupPath) {
		Path mem = dir("memory", cgroupPath);
		return new StatsSample.Memory(number(mem.resolve("memory.usage_in_bytes")),
				number(mem.resolve("memory.max_usage_in_bytes")), keyValues(mem.resolve("memory.stat")),
				number(mem.resolve("memory.failcnt")), limit(number(mem.resolve("memory.limit_in_bytes"))));
	}

	private StatsSample.Memory memoryV2(String cgroupPath) {
		Path dir = dir(cgroupPath);
		return new StatsSample.Memory(number(dir.resolve("memory.current")), 0, keyValues(dir.resolve("memory.stat")),
				0, limit(number(dir.resolve("memory.max"))));
	}

	/**
	 * An unlimited cgroup reports a huge number (v1) or {@code max} (v2); dockerd shows the host's memory instead,
	 * and so does a limit above it, which could never be reached.
	 */
	private long limit(long cgroupLimit) {
		long host = memTotal();
		return (cgroupLimit == 0 || (host > 0 && cgroupLimit > host)) ? host : cgroupLimit;
	}

	/**
	 * runc's order: the CFQ files, then BFQ's, then the throttle policy's, which every kernel has. A policy whose
	 * {@code io_serviced_recursive} lists no device is not in use.
	 */
	private StatsSample.Blkio blkioV1(String cgroupPath) {
		Path dir = dir("blkio", cgroupPath);
		for (String prefix : List.of("blkio.", "blkio.bfq.")) {
			List<StatsSample.BlkioEntry> serviced = blkioEntries(dir.resolve(prefix + "io_serviced_recursive"));
			if (!serviced.isEmpty()) {
				return new StatsSample.Blkio(blkioEntries(dir.resolve(prefix + "io_service_bytes_recursive")),
						serviced);
			}
		}
		return new StatsSample.Blkio(blkioEntries(dir.resolve("blkio.throttle.io_service_bytes_recursive")),
				blkioEntries(dir.resolve("blkio.throttle.io_serviced_recursive")));
	}

	/** Lines of {@code MAJ:MIN Op value}; the {@code Total N} summary line has no device and is skipped, as runc does. */
	static List<StatsSample.BlkioEntry> blkioEntries(String text) {
		List<StatsSample.BlkioEntry> out = new ArrayList<>();
		for (String line : text.split("\n")) {
			String[] f = line.trim().split("\\s+");
			if (f.length != 3) {
				continue;
			}
			String[] dev = f[0].split(":");
			if (dev.length != 2) {
				continue;
			}
			try {
				out.add(new StatsSample.BlkioEntry(Long.parseLong(dev[0]), Long.parseLong(dev[1]), f[1], parse(f[2])));
			}
			catch (NumberFormatException ex) {
				// Not a device line.
			}
		}
		return out;
	}

	private List<StatsSample.BlkioEntry> blkioEntries(Path file) {
		return blkioEntries(read(file));
	}

	/** {@code io.stat}: {@code MAJ:MIN rbytes=N wbytes=N rios=N wios=N ...}; dockerd reports bytes as read/write. */
	private StatsSample.Blkio blkioV2(String cgroupPath) {
		List<StatsSample.BlkioEntry> bytes = new ArrayList<>();
		for (String line : read(dir(cgroupPath).resolve("io.stat")).split("\n")) {
			String[] f = line.trim().split("\\s+");
			String[] dev = f[0].split(":");
			if (dev.length != 2) {
				continue;
			}
			Map<String, Long> values = new LinkedHashMap<>();
			for (int i = 1; i < f.length; i++) {
				int eq = f[i].indexOf('=');
				if (eq > 0) {
					values.put(f[i].substring(0, eq), parse(f[i].substring(eq + 1)));
				}
			}
			long major = parse(dev[0]);
			long minor = parse(dev[1]);
			bytes.add(new StatsSample.BlkioEntry(major, minor, "read", values.getOrDefault("rbytes", 0L)));
			bytes.add(new StatsSample.BlkioEntry(major, minor, "write", values.getOrDefault("wbytes", 0L)));
		}
		return new StatsSample.Blkio(bytes, List.of());
	}

	/** The counters of {@code <proc>/<pid>/net/dev}, which shows the network namespace that process is in. */
	private Map<String, StatsSample.Network> networks(int pid) {
		Map<String, StatsSample.Network> out = new LinkedHashMap<>();
		if (pid <= 0) {
			return out;
		}
		for (String line : read(this.procRoot.resolve(Integer.toString(pid)).resolve("net/dev")).split("\n")) {
			int colon = line.indexOf(':');
			if (colon < 0) {
				continue;
			}
			String name = line.substring(0, colon).trim();
			String[] f = line.substring(colon + 1).trim().split("\\s+");
			if (name.equals("lo") || f.length < 16) {
				continue;
			}
			// Receive: bytes packets errs drop fifo frame compressed multicast; transmit: bytes packets errs drop ...
			out.put(name, new StatsSample.Network(parse(f[0]), parse(f[1]), parse(f[2]), parse(f[3]), parse(f[8]),
					parse(f[9]), parse(f[10]), parse(f[11])));
		}
		return out;
	}

	/** The pids in the container's cgroup and its descendants, in ascending order. */
	public List<Integer> pids(String cgroupPath) {
		Path dir;
		if (isCgroupV2()) {
			dir = dir(cgroupPath);
		}
		else {
			// Every process joins each hierarchy; pids is the one the runtime always uses, memory the fallback.
			dir = dir("pids", cgroupPath);
			if (!Files.isDirectory(dir)) {
				dir = dir("memory", cgroupPath);
			}
		}
		TreeSet<Integer> pids = new TreeSet<>();
		collectPids(dir, pids, 0);
		return List.copyOf(pids);
	}

	private static void collectPids(Path dir, TreeSet<Integer> pids, int depth) {
		for (String line : read(dir.resolve("cgroup.procs")).split("\n")) {
			if (!line.isBlank()) {
				try {
					pids.add(Integer.parseInt(line.trim()));
				}
				catch (NumberFormatException ex) {
					// cgroupfs writes only numbers; anything else is not a pid.
				}
			}
		}
		if (depth > 32) {
			return;
		}
		try (DirectoryStream<Path> children = Files.newDirectoryStream(dir, Files::isDirectory)) {
			for (Path child : children) {
				if (!Files.isSymbolicLink(child)) {
					collectPids(child, pids, depth + 1);
				}
			}
		}
		catch (IOException ex) {
			// The cgroup went away with the container.
		}
	}

	/** The host's memory in bytes ({@code MemTotal}), or 0 when unknown. */
	public long memTotal() {
		for (String line : read(this.procRoot.resolve("meminfo")).split("\n")) {
			if (line.startsWith("MemTotal:")) {
				String[] f = line.substring("MemTotal:".length()).trim().split("\\s+");
				return parse(f[0]) * 1024;
			}
		}
		return 0;
	}

	/** The host-wide numbers of {@code /proc/stat}. */
	ProcStat procStat() {
		return ProcStat.parse(read(this.procRoot.resolve("stat")));
	}

	/** Seconds since boot, from {@code /proc/uptime}. */
	double uptime() {
		String[] f = read(this.procRoot.resolve("uptime")).trim().split("\\s+");
		try {
			return Double.parseDouble(f[0]);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	Path procRoot() {
		return this.procRoot;
	}

	Clock clock() {
		return this.clock;
	}

	/**
	 * What /proc/stat says about the whole host.
	 *
	 * @param systemUsage the first seven fields of the {@code cpu} line (user to softirq), in nanoseconds, as dockerd
	 * sums them for {@code system_cpu_usage}
	 * @param onlineCpus the number of {@code cpuN} lines
	 * @param bootTime {@code btime}, unix seconds
	 */
	record ProcStat(long systemUsage, int onlineCpus, long bootTime) {

		static ProcStat parse(String text) {
			long usage = 0;
			int cpus = 0;
			long boot = 0;
			for (String line : text.split("\n")) {
				String[] f = line.trim().split("\\s+");
				if (f[0].equals("cpu")) {
					long ticks = 0;
					for (int i = 1; i < Math.min(f.length, 8); i++) {
						ticks += StatsReader.parse(f[i]);
					}
					usage = ticks * NANOS_PER_TICK;
				}
				else if (f[0].startsWith("cpu") && f[0].length() > 3 && Character.isDigit(f[0].charAt(3))) {
					cpus++;
				}
				else if (f[0].equals("btime") && f.length > 1) {
					boot = StatsReader.parse(f[1]);
				}
			}
			return new ProcStat(usage, cpus, boot);
		}

	}

	private Path dir(String cgroupPath) {
		return this.cgroupRoot.resolve(relative(cgroupPath));
	}

	private Path dir(String controller, String cgroupPath) {
		return this.cgroupRoot.resolve(controller).resolve(relative(cgroupPath));
	}

	private static String relative(String cgroupPath) {
		String p = cgroupPath;
		while (p.startsWith("/")) {
			p = p.substring(1);
		}
		if (p.contains("..")) {
			throw new IllegalArgumentException("cgroup path must stay below the hierarchy root: " + cgroupPath);
		}
		return p;
	}

	/** {@code key value} lines (memory.stat, cpu.stat, cpuacct.stat), in file order. */
	static Map<String, Long> keyValues(String text) {
		Map<String, Long> out = new LinkedHashMap<>();
		for (String line : text.split("\n")) {
			String[] f = line.trim().split("\\s+");
			if (f.length == 2) {
				try {
					out.put(f[0], Long.parseUnsignedLong(f[1]));
				}
				catch (NumberFormatException ex) {
					// Not a counter.
				}
			}
		}
		return out;
	}

	private static Map<String, Long> keyValues(Path file) {
		return keyValues(read(file));
	}

	/** A one-number file; {@code max} (v2's "no limit") and a missing file read as 0. */
	private static long number(Path file) {
		String s = read(file).trim();
		return (s.isEmpty() || s.equals("max")) ? 0 : parse(s);
	}

	static long parse(String s) {
		try {
			return Long.parseUnsignedLong(s.trim());
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

	/** A file's text, or empty when it is gone (the container exited) or unreadable. */
	static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException | RuntimeException ex) {
			return "";
		}
	}

}
