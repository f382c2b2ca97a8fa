package io.berth.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fixture trees standing in for /sys/fs/cgroup (v1 and v2) and /proc, with the numbers of docker-api.md §5. */
public final class CgroupFixtures {

	public static final String CGROUP = "/berth/ad7a88";

	public static final int PID = 4242;

	private CgroupFixtures() {
	}

	/** v1: one hierarchy per controller, as on this host. */
	public static Path v1(Path root) throws IOException {
		Path cg = root.resolve("cgroup");
		Path mem = dir(cg, "memory/berth/ad7a88");
		write(mem, "memory.usage_in_bytes", "532480\n");
		write(mem, "memory.max_usage_in_bytes", "4083712\n");
		write(mem, "memory.failcnt", "0\n");
		write(mem, "memory.limit_in_bytes", "9223372036854771712\n");
		write(mem, "memory.stat", """
				cache 12288
				rss 53248
				rss_huge 0
				mapped_file 0
				dirty 8192
				writeback 0
				pgpgin 844
				pgpgout 828
				pgfault 1130
				pgmajfault 0
				inactive_anon 49152
				active_anon 4096
				inactive_file 0
				active_file 12288
				unevictable 0
				hierarchical_memory_limit 9223372036854771712
				total_cache 12288
				total_rss 53248
				total_inactive_file 4096
				total_active_file 12288
				""");
		Path acct = dir(cg, "cpuacct/berth/ad7a88");
		write(acct, "cpuacct.usage", "28064030\n");
		write(acct, "cpuacct.usage_percpu", "22886339 5177691 \n");
		write(acct, "cpuacct.stat", "user 1\nsystem 0\n");
		write(dir(cg, "cpu/berth/ad7a88"), "cpu.stat", "nr_periods 3\nnr_throttled 1\nthrottled_time 500\n");
		write(dir(cg, "pids/berth/ad7a88"), "pids.current", "1\n");
		write(dir(cg, "pids/berth/ad7a88"), "pids.max", "max\n");
		write(dir(cg, "pids/berth/ad7a88"), "cgroup.procs", "4242\n4250\n");
		Path blkio = dir(cg, "blkio/berth/ad7a88");
		write(blkio, "blkio.throttle.io_service_bytes_recursive",
				"8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n");
		write(blkio, "blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 2\nTotal 3\n");
		write(blkio, "blkio.bfq.io_serviced_recursive", "Total 0\n");
		proc(root);
		return cg;
	}

	/** v2: everything in the container's one directory of the unified hierarchy. */
	public static Path v2(Path root) throws IOException {
		Path cg = root.resolve("cgroup");
		write(dir(cg, ""), "cgroup.controllers", "cpuset cpu io memory pids\n");
		Path c = dir(cg, "berth/ad7a88");
		write(c, "memory.current", "1048576\n");
		write(c, "memory.max", "max\n");
		write(c, "memory.stat", "anon 4096\nfile 8192\ninactive_file 2048\nactive_file 6144\npgfault 10\n");
		write(c, "cpu.stat", "usage_usec 2000\nuser_usec 1500\nsystem_usec 500\nnr_periods 0\nnr_throttled 0\n"
				+ "throttled_usec 0\n");
		write(c, "pids.current", "2\n");
		write(c, "pids.max", "100\n");
		write(c, "io.stat", "8:0 rbytes=4096 wbytes=1024 rios=1 wios=1 dbytes=0 dios=0\n");
		write(c, "cgroup.procs", "4242\n");
		write(dir(c, "sub"), "cgroup.procs", "4260\n");
		proc(root);
		return cg;
	}

	static Path proc(Path root) throws IOException {
		Path proc = dir(root, "proc");
		write(proc, "stat", """
				cpu  34032 0 40468 308194 865 0 237 22 0 0
				cpu0 17000 0 20000 154000 400 0 100 11 0 0
				cpu1 17032 0 20468 154194 465 0 137 11 0 0
				intr 1 2 3
				btime 1795840000
				processes 4300
				""");
		write(proc, "meminfo", "MemTotal:       24684096 kB\nMemFree:         1000000 kB\n");
		write(proc, "uptime", "6000.50 11000.00\n");
		write(dir(proc, Integer.toString(PID) + "/net"), "dev", """
				Inter-|   Receive                                                |  Transmit
				 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
				    lo:     100       2    0    0    0     0          0         0      100       2    0    0    0     0       0          0
				  eth0:     586       7    0    1    0     0          0         0       42       1    0    0    0     0       0          0
				""");
		return proc;
	}

	static Path dir(Path parent, String rel) throws IOException {
		return Files.createDirectories(rel.isEmpty() ? parent : parent.resolve(rel));
	}

	public static void write(Path dir, String name, String text) throws IOException {
		Files.writeString(dir.resolve(name), text);
	}

}
