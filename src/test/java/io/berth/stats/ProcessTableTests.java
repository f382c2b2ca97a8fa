package io.berth.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code docker top}'s rows rendered from fixture /proc directories, in procps's formats. */
class ProcessTableTests {

	/** btime 1795840000 + 600000 ticks / 100 = 1795846000, which is 2026-11-28T06:06:40Z. */
	private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T06:16:19Z"), ZoneOffset.UTC);

	@TempDir
	Path temp;

	private ProcessTable table;

	@BeforeEach
	void setUp() throws IOException {
		Path cg = CgroupFixtures.v1(this.temp);
		Path proc = this.temp.resolve("proc");
		// sleep, pid 4242 as init of the container: session leader, 1.5 s of CPU, started 600 s after boot.
		process(proc, 4242, "4242 (sleep) S 4200 4242 4242 0 -1 4194560 100 0 0 0 100 50 0 0 20 0 1 0 600000 "
				+ "1400832 16 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0",
				"Name:\tsleep\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nVmLck:\t       0 kB\n", "sleep\u0000300\u0000");
		// A shell on a pty with a name holding ") (", running as uid 1000 with no passwd entry on the "host".
		process(proc, 4250, "4250 (sh) (x) R 4242 4250 4242 34817 4250 0 0 0 0 0 360000 0 0 0 20 5 2 0 599000 "
				+ "2048000 100 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0",
				"Name:\tsh\nUid:\t1000\t1000\t1000\t1000\nVmLck:\t       4 kB\n", "");
		Path passwd = Files.writeString(this.temp.resolve("passwd"),
				"root:x:0:0:root:/root:/bin/bash\nsystemd-network:x:998:998::/:/usr/sbin/nologin\n");
		this.table = new ProcessTable(new StatsReader(cg, proc, CLOCK), passwd, ZoneOffset.UTC);
	}

	private static void process(Path proc, int pid, String stat, String status, String cmdline) throws IOException {
		Path dir = Files.createDirectories(proc.resolve(Integer.toString(pid)));
		Files.writeString(dir.resolve("stat"), stat + "\n");
		Files.writeString(dir.resolve("status"), status);
		Files.write(dir.resolve("cmdline"), cmdline.getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void listWhenDefaultArgsGivesPsEfColumns() {
		ProcessTable.Table t = this.table.list(CgroupFixtures.CGROUP, ProcessTable.Format.parse("").orElseThrow());
		assertThat(t.titles()).containsExactly("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD");
		assertThat(t.processes()).hasSize(2);
		assertThat(t.processes().get(0))
			.containsExactly("root", "4242", "4200", "0", "06:06", "?", "00:00:01", "sleep 300");
		// Kernel-thread style [comm] for an empty cmdline, pts/1 for 136:1, an unknown uid as a number.
		assertThat(t.processes().get(1)).containsExactly("1000", "4250", "4242", "99", "06:06", "pts/1",
				"01:00:00", "[sh) (x]");
	}

	@Test
	void listWhenAuxGivesBsdColumns() {
		ProcessTable.Table t = this.table.list(CgroupFixtures.CGROUP, ProcessTable.Format.parse("aux").orElseThrow());
		assertThat(t.titles()).containsExactly("USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START",
				"TIME", "COMMAND");
		assertThat(t.processes().get(0)).containsExactly("root", "4242", "0.0", "0.0", "1368", "64", "?", "Ss",
				"06:06", "0:01", "sleep 300");
		assertThat(t.processes().get(1).get(7)).isEqualTo("RNLl+");
		// An hour of CPU in ten seconds of life: procps prints whole percents above 99.9.
		assertThat(t.processes().get(1).get(2)).isEqualTo("36000");
	}

	@Test
	void parseWhenArgsAreUnsupportedIsEmpty() {
		assertThat(ProcessTable.Format.parse("-o pid")).isEmpty();
		assertThat(ProcessTable.Format.parse("-ef")).contains(ProcessTable.Format.FULL);
		assertThat(ProcessTable.Format.parse(null)).contains(ProcessTable.Format.FULL);
	}

	@Test
	void stimeWhenStartedOnAnotherDayOrYearShowsDateOrYear() {
		Instant now = CLOCK.instant();
		assertThat(this.table.stime(Instant.parse("2026-11-27T23:00:00Z"), now)).isEqualTo("Nov27");
		assertThat(this.table.stime(Instant.parse("2025-12-31T23:00:00Z"), now)).isEqualTo("2025");
		assertThat(this.table.start(Instant.parse("2026-11-27T23:00:00Z"), now)).isEqualTo("23:00");
	}

	@Test
	void userWhenNameIsLongerThanEightIsTruncatedWithPlus() {
		ProcessInfo p = new ProcessInfo(1, 0, "x", 'S', 1, 1, 0, -1, 0, 0, 0, 1, 0, 0, 0, 998, 0, List.of("x"));
		assertThat(this.table.render(List.of(p), ProcessTable.Format.FULL).processes().get(0).get(0))
			.isEqualTo("systemd+");
	}

	@Test
	void timeWhenOverADayHasDayPrefix() {
		ProcessInfo p = new ProcessInfo(1, 0, "x", 'S', 1, 1, 0, -1, 90061 * 100L, 0, 0, 1, 0, 0, 0, 0, 0, List.of());
		assertThat(ProcessTable.time(p)).isEqualTo("1-01:01:01");
		assertThat(ProcessTable.bsdTime(p)).isEqualTo("1501:01");
	}

	@Test
	void argsWhenCmdlineHasEmptyArgumentKeepsIt() {
		assertThat(ProcessInfo.args("a\u0000\u0000b\u0000".getBytes(StandardCharsets.UTF_8))).containsExactly("a", "", "b");
	}

}
