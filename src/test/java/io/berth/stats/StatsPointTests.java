package io.berth.stats;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The docker CLI's figures computed from two samples of the fixture trees, one second apart. */
class StatsPointTests {

	private static final Instant START = Instant.parse("2026-11-28T06:16:19.5Z");

	private static final long HOST_MEMORY = 24684096L * 1024;

	private final MutableClock clock = new MutableClock(START);

	@TempDir
	Path temp;

	@Test
	void betweenWhenCgroupV1GivesCpuPercentOfOneCoreAndRatesPerSecond() throws IOException {
		Path cg = CgroupFixtures.v1(this.temp);
		StatsReader reader = new StatsReader(cg, this.temp.resolve("proc"), this.clock);
		StatsSample first = reader.read(CgroupFixtures.CGROUP, CgroupFixtures.PID);
		// One second later: half a second of CPU time out of the two CPUs' two seconds (200 ticks), 1000 bytes in,
		// 500 out, 8 KiB read and 4 KiB written.
		this.clock.advance(Duration.ofSeconds(1));
		Path acct = cg.resolve("cpuacct/berth/ad7a88");
		CgroupFixtures.write(acct, "cpuacct.usage", (28064030L + 500_000_000L) + "\n");
		hostTicks(200);
		netDev(586 + 1000, 42 + 500);
		CgroupFixtures.write(cg.resolve("blkio/berth/ad7a88"), "blkio.throttle.io_service_bytes_recursive",
				"8:0 Read 12288\n8:0 Write 12288\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 24576\n"
						+ "Total 24576\n");
		StatsSample second = reader.read(CgroupFixtures.CGROUP, CgroupFixtures.PID);
		StatsPoint p = StatsPoint.between(first, second);
		assertThat(p.t()).isEqualTo(START.plusSeconds(1).toEpochMilli());
		// (0.5e9 / 2e9) × 2 CPUs × 100: half a core.
		assertThat(p.cpu()).isCloseTo(50.0, within(1e-9));
		// usage less total_inactive_file, as `docker stats` shows it.
		assertThat(p.mem()).isEqualTo(532480 - 4096);
		assertThat(p.memLimit()).isEqualTo(HOST_MEMORY);
		assertThat(p.rx()).isEqualTo(1000.0);
		assertThat(p.tx()).isEqualTo(500.0);
		assertThat(p.blkRead()).isEqualTo(8192.0);
		assertThat(p.blkWrite()).isEqualTo(4096.0);
		assertThat(p.pids()).isEqualTo(1);
	}

	@Test
	void betweenWhenCgroupV2UsesInactiveFileAndLowerCaseOps() throws IOException {
		Path cg = CgroupFixtures.v2(this.temp);
		StatsReader reader = new StatsReader(cg, this.temp.resolve("proc"), this.clock);
		StatsSample first = reader.read(CgroupFixtures.CGROUP, CgroupFixtures.PID);
		this.clock.advance(Duration.ofMillis(2000));
		Path c = cg.resolve("berth/ad7a88");
		// Two seconds of CPU time (usage_usec) out of four host seconds over two seconds: one full core.
		CgroupFixtures.write(c, "cpu.stat", "usage_usec 2002000\nuser_usec 1500\nsystem_usec 500\n");
		hostTicks(400);
		CgroupFixtures.write(c, "io.stat", "8:0 rbytes=8192 wbytes=3072 rios=2 wios=2\n");
		StatsSample second = reader.read(CgroupFixtures.CGROUP, CgroupFixtures.PID);
		StatsPoint p = StatsPoint.between(first, second);
		assertThat(p.cpu()).isCloseTo(100.0, within(1e-9));
		assertThat(p.mem()).isEqualTo(1048576 - 2048);
		assertThat(p.blkRead()).isEqualTo(2048.0);
		assertThat(p.blkWrite()).isEqualTo(1024.0);
		assertThat(p.rx()).isZero();
		assertThat(p.pids()).isEqualTo(2);
	}

	@Test
	void betweenWithoutPreviousGivesZeroCpuAndRatesButCurrentMemory() throws IOException {
		StatsReader reader = new StatsReader(CgroupFixtures.v1(this.temp), this.temp.resolve("proc"), this.clock);
		StatsPoint p = StatsPoint.between(null, reader.read(CgroupFixtures.CGROUP, CgroupFixtures.PID));
		assertThat(p).isEqualTo(new StatsPoint(START.toEpochMilli(), 0, 528384, HOST_MEMORY, 0, 0, 0, 0, 1));
	}

	@Test
	void betweenWhenCountersWentBackGivesZeroRatherThanNegative() throws IOException {
		Path cg = CgroupFixtures.v1(this.temp);
		StatsReader reader = new StatsReader(cg, this.temp.resolve("proc"), this.clock);
		StatsSample first = reader.read(CgroupFixtures.CGROUP, CgroupFixtures.PID);
		this.clock.advance(Duration.ofSeconds(1));
		CgroupFixtures.write(cg.resolve("cpuacct/berth/ad7a88"), "cpuacct.usage", "1000\n");
		hostTicks(200);
		netDev(10, 10);
		StatsPoint p = StatsPoint.between(first, reader.read(CgroupFixtures.CGROUP, CgroupFixtures.PID));
		assertThat(p.cpu()).isZero();
		assertThat(p.rx()).isZero();
		assertThat(p.tx()).isZero();
	}

	@Test
	void memoryUsageKeepsUsageWhenInactiveFileIsNotSmaller() {
		StatsSample.Memory m = new StatsSample.Memory(100, 0, java.util.Map.of("total_inactive_file", 200L), 0, 1);
		assertThat(StatsPoint.memoryUsage(m)).isEqualTo(100);
	}

	/** Adds ticks to the host's user and idle time evenly, as two busy-then-idle CPUs would. */
	private void hostTicks(int ticks) throws IOException {
		CgroupFixtures.write(this.temp.resolve("proc"), "stat", "cpu  " + (34032 + ticks / 2) + " 0 40468 "
				+ (308194 + ticks / 2) + " 865 0 237 22 0 0\ncpu0 1 0 0 0 0 0 0 0 0 0\ncpu1 1 0 0 0 0 0 0 0 0 0\n");
	}

	private void netDev(long rx, long tx) throws IOException {
		CgroupFixtures.write(this.temp.resolve("proc/" + CgroupFixtures.PID + "/net"), "dev", """
				Inter-|   Receive                                                |  Transmit
				 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
				    lo:     900       2    0    0    0     0          0         0      900       2    0    0    0     0       0          0
				  eth0: %d       7    0    1    0     0          0         0       %d       1    0    0    0     0       0          0
				""".formatted(rx, tx));
	}

}
