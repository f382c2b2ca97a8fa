package io.berth.api.dockercompat.container;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import io.berth.stats.CgroupFixtures;
import io.berth.stats.StatsReader;
import io.berth.stats.StatsSample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stats frame built from fixture cgroup trees, checked the way CLI 28's {@code stats_helpers.go} reads it, so the
 * CPU %, memory, PIDs, network and block columns come out as they would from dockerd.
 */
class StatsJsonTests {

	private static final String ID = "ad7a88" + "0".repeat(58);

	private final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path temp;

	private JsonNode frame(StatsSample current, StatsSample previous) {
		return this.json.readTree(this.json.writeValueAsString(StatsJson.of(current, previous, "/rs-c2", ID)));
	}

	private static StatsSample sample(Path cgroup, Path proc, String at) {
		return new StatsReader(cgroup, proc, Clock.fixed(Instant.parse(at), ZoneOffset.UTC))
			.read(CgroupFixtures.CGROUP, CgroupFixtures.PID);
	}

	@Test
	void firstFrameWhenV1HasZeroPrecpuAndPrereadSoCpuPercentIsZero() throws IOException {
		Path cg = CgroupFixtures.v1(this.temp);
		JsonNode f = frame(sample(cg, this.temp.resolve("proc"), "2026-11-28T06:16:19.864144800Z"), null);
		assertThat(f.get("read").asString()).isEqualTo("2026-11-28T06:16:19.8641448Z");
		assertThat(f.get("preread").asString()).isEqualTo("0001-01-01T00:00:00Z");
		assertThat(f.get("precpu_stats").has("system_cpu_usage")).isFalse();
		assertThat(f.get("precpu_stats").has("online_cpus")).isFalse();
		assertThat(f.get("precpu_stats").get("cpu_usage").get("total_usage").asLong()).isZero();
		assertThat(f.get("name").asString()).isEqualTo("/rs-c2");
		assertThat(f.get("id").asString()).isEqualTo(ID);
		assertThat(f.get("num_procs").asInt()).isZero();
		assertThat(f.get("storage_stats").isEmpty()).isTrue();
	}

	@Test
	void frameWhenV1GivesTheCliItsColumns() throws IOException {
		Path cg = CgroupFixtures.v1(this.temp);
		Path proc = this.temp.resolve("proc");
		StatsSample before = sample(cg, proc, "2026-11-28T06:16:18Z");
		// One second later: the container used 10 ms more, the two-CPU host 2 s.
		CgroupFixtures.write(cg.resolve("cpuacct/berth/ad7a88"), "cpuacct.usage", "38064030\n");
		CgroupFixtures.write(proc, "stat", "cpu  34132 0 40568 308194 865 0 237 22 0 0\ncpu0 1\ncpu1 1\n");
		JsonNode f = frame(sample(cg, proc, "2026-11-28T06:16:19Z"), before);
		assertThat(f.get("preread").asString()).isEqualTo("2026-11-28T06:16:18Z");
		assertThat(cpuPercent(f)).isEqualTo(1.0);
		JsonNode cpu = f.get("cpu_stats");
		assertThat(cpu.get("cpu_usage").get("percpu_usage")).hasSize(2);
		assertThat(cpu.get("online_cpus").asInt()).isEqualTo(2);
		assertThat(cpu.get("throttling_data").get("periods").asLong()).isEqualTo(3);
		JsonNode mem = f.get("memory_stats");
		// MEM USAGE = usage - total_inactive_file on v1; LIMIT = MemTotal for an unlimited container.
		assertThat(mem.get("usage").asLong() - mem.get("stats").get("total_inactive_file").asLong()).isEqualTo(528384);
		assertThat(mem.get("limit").asLong()).isEqualTo(25276514304L);
		assertThat(mem.get("max_usage").asLong()).isEqualTo(4083712);
		assertThat(mem.has("failcnt")).isFalse();
		assertThat(f.get("pids_stats").get("current").asLong()).isEqualTo(1);
		assertThat(f.get("pids_stats").has("limit")).isFalse();
		assertThat(f.get("networks").get("eth0").get("rx_bytes").asLong()).isEqualTo(586);
		assertThat(f.get("networks").has("lo")).isFalse();
		JsonNode blkio = f.get("blkio_stats");
		long read = 0;
		for (JsonNode e : blkio.get("io_service_bytes_recursive")) {
			if (e.get("op").asString().toLowerCase().startsWith("r")) {
				read += e.get("value").asLong();
			}
			assertThat(e.has("major") && e.has("minor")).isTrue();
		}
		assertThat(read).isEqualTo(4096);
		assertThat(blkio.get("io_queue_recursive").isArray()).isTrue();
	}

	@Test
	void frameWhenV2HasUnifiedKeysAndNullBlkioLists() throws IOException {
		Path cg = CgroupFixtures.v2(this.temp);
		JsonNode f = frame(sample(cg, this.temp.resolve("proc"), "2026-11-28T06:16:19Z"), null);
		JsonNode mem = f.get("memory_stats");
		assertThat(mem.get("stats").get("inactive_file").asLong()).isEqualTo(2048);
		assertThat(mem.has("max_usage")).isFalse();
		assertThat(f.get("cpu_stats").get("cpu_usage").has("percpu_usage")).isFalse();
		assertThat(f.get("pids_stats").get("limit").asLong()).isEqualTo(100);
		assertThat(f.get("blkio_stats").get("io_service_bytes_recursive").get(0).get("op").asString())
			.isEqualTo("read");
		assertThat(f.get("blkio_stats").get("io_serviced_recursive").isNull()).isTrue();
	}

	@Test
	void zeroWhenContainerIsStoppedHasOnlyNameAndId() {
		JsonNode f = this.json.readTree(this.json.writeValueAsString(StatsJson.zero("/x", ID)));
		assertThat(f.get("read").asString()).isEqualTo("0001-01-01T00:00:00Z");
		assertThat(f.get("memory_stats").isEmpty()).isTrue();
		assertThat(f.get("pids_stats").isEmpty()).isTrue();
		assertThat(f.get("cpu_stats").get("cpu_usage").get("total_usage").asLong()).isZero();
		assertThat(f.has("networks")).isFalse();
		assertThat(f.get("id").asString()).isEqualTo(ID);
	}

	/** CLI 28's calculateCPUPercentUnix. */
	private static double cpuPercent(JsonNode f) {
		double cpuDelta = f.get("cpu_stats").get("cpu_usage").get("total_usage").asDouble()
				- f.get("precpu_stats").get("cpu_usage").get("total_usage").asDouble();
		double systemDelta = f.get("cpu_stats").get("system_cpu_usage").asDouble()
				- f.get("precpu_stats").get("system_cpu_usage").asDouble();
		int cpus = f.get("cpu_stats").get("online_cpus").asInt();
		return (systemDelta > 0 && cpuDelta > 0) ? (cpuDelta / systemDelta) * cpus * 100.0 : 0;
	}

}
