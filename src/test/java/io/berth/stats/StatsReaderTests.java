package io.berth.stats;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The counters read from fixture cgroup trees, in dockerd's units. */
class StatsReaderTests {

	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T06:16:19.864144813Z"), ZoneOffset.UTC);

	@TempDir
	Path temp;

	private StatsReader reader(Path cgroup) {
		return new StatsReader(cgroup, this.temp.resolve("proc"), CLOCK);
	}

	@Test
	void readWhenCgroupV1ReportsCpuacctMemoryPidsAndThrottleBlkio() throws IOException {
		StatsReader reader = reader(CgroupFixtures.v1(this.temp));
		StatsSample s = reader.read(CgroupFixtures.CGROUP, CgroupFixtures.PID);
		assertThat(s.read()).isEqualTo(CLOCK.instant());
		assertThat(s.cgroupV2()).isFalse();
		assertThat(s.cpu().totalUsage()).isEqualTo(28064030L);
		assertThat(s.cpu().percpuUsage()).containsExactly(22886339L, 5177691L);
		assertThat(s.cpu().usageInUsermode()).isEqualTo(10_000_000L);
		assertThat(s.cpu().usageInKernelmode()).isZero();
		// (34032 + 0 + 40468 + 308194 + 865 + 0 + 237) ticks × 10 ms; steal and guest are left out, as dockerd does.
		assertThat(s.cpu().systemUsage()).isEqualTo(383796L * 10_000_000L);
		assertThat(s.cpu().onlineCpus()).isEqualTo(2);
		assertThat(s.cpu().throttlingPeriods()).isEqualTo(3);
		assertThat(s.cpu().throttledTime()).isEqualTo(500);
		assertThat(s.memory().usage()).isEqualTo(532480);
		assertThat(s.memory().maxUsage()).isEqualTo(4083712);
		assertThat(s.memory().stats()).containsEntry("total_inactive_file", 4096L)
			.containsEntry("hierarchical_memory_limit", 9223372036854771712L)
			.hasSize(20);
		assertThat(s.memory().stats().keySet()).startsWith("cache", "rss");
		// Unlimited: the host's MemTotal instead, as dockerd reports it.
		assertThat(s.memory().limit()).isEqualTo(24684096L * 1024);
		assertThat(s.pids().current()).isEqualTo(1);
		assertThat(s.pids().limit()).isZero();
		assertThat(s.blkio().serviceBytes()).hasSize(6)
			.first()
			.isEqualTo(new StatsSample.BlkioEntry(8, 0, "Read", 4096));
		assertThat(s.blkio().serviced()).hasSize(2);
		assertThat(s.networks()).containsOnlyKeys("eth0");
		assertThat(s.networks().get("eth0")).isEqualTo(new StatsSample.Network(586, 7, 0, 1, 42, 1, 0, 0));
	}

	@Test
	void readWhenCgroupV2UsesUnifiedKeysAndMicroseconds() throws IOException {
		StatsReader reader = reader(CgroupFixtures.v2(this.temp));
		assertThat(reader.isCgroupV2()).isTrue();
		StatsSample s = reader.read(CgroupFixtures.CGROUP, CgroupFixtures.PID);
		assertThat(s.cgroupV2()).isTrue();
		assertThat(s.cpu().totalUsage()).isEqualTo(2_000_000L);
		assertThat(s.cpu().usageInUsermode()).isEqualTo(1_500_000L);
		assertThat(s.cpu().usageInKernelmode()).isEqualTo(500_000L);
		assertThat(s.cpu().percpuUsage()).isEmpty();
		assertThat(s.memory().usage()).isEqualTo(1048576);
		assertThat(s.memory().maxUsage()).isZero();
		assertThat(s.memory().stats()).containsEntry("inactive_file", 2048L).doesNotContainKey("total_inactive_file");
		assertThat(s.memory().limit()).isEqualTo(24684096L * 1024);
		assertThat(s.pids()).isEqualTo(new StatsSample.Pids(2, 100));
		assertThat(s.blkio().serviceBytes()).containsExactly(new StatsSample.BlkioEntry(8, 0, "read", 4096),
				new StatsSample.BlkioEntry(8, 0, "write", 1024));
	}

	@Test
	void readWhenContainerIsGoneGivesZerosRatherThanFailing() throws IOException {
		StatsReader reader = reader(CgroupFixtures.v1(this.temp));
		StatsSample s = reader.read("/berth/gone", 99999);
		assertThat(s.cpu().totalUsage()).isZero();
		assertThat(s.memory().usage()).isZero();
		assertThat(s.networks()).isEmpty();
		assertThat(reader.exists("/berth/gone")).isFalse();
		assertThat(reader.exists(CgroupFixtures.CGROUP)).isTrue();
	}

	@Test
	void pidsWhenCgroupHasChildrenIncludesThemSorted() throws IOException {
		assertThat(reader(CgroupFixtures.v1(this.temp)).pids(CgroupFixtures.CGROUP)).containsExactly(4242, 4250);
	}

	@Test
	void pidsWhenV2IncludeLeafCgroups() throws IOException {
		assertThat(reader(CgroupFixtures.v2(this.temp)).pids(CgroupFixtures.CGROUP)).isEqualTo(List.of(4242, 4260));
	}

	@Test
	void blkioEntriesKeepDeviceTotalsAndSkipTheSummaryLine() {
		assertThat(StatsReader.blkioEntries("8:16 Read 10\n8:16 Total 10\nTotal 10\n"))
			.containsExactly(new StatsSample.BlkioEntry(8, 16, "Read", 10), new StatsSample.BlkioEntry(8, 16, "Total", 10));
	}

}
