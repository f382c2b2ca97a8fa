package io.berth.stats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * {@code docker top} without running {@code ps}: the processes of a container's cgroup, read from /proc and printed
 * in procps's columns for {@code ps -ef} (dockerd's default) or {@code ps aux}. User names come from the host's
 * /etc/passwd, as ps on the host would show them.
 *
 * @see <a href="https://gitlab.com/procps-ng/procps/-/blob/v3.3.17/ps/output.c">procps output.c</a>
 */
@Component
public class ProcessTable {

	/** The columns dockerd returns; rows hold one string per title. */
	public record Table(List<String> titles, List<List<String>> processes) {

		public Table {
			titles = List.copyOf(titles);
			processes = processes.stream().map(List::copyOf).toList();
		}

	}

	/** The {@code ps_args} this engine understands. */
	public enum Format {

		/** {@code ps -ef}, also used when ps_args is empty. */
		FULL(List.of("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD")),

		/** {@code ps aux}. */
		BSD_USER(List.of("USER", "PID", "%CPU", "%MEM", "VSZ", "RSS", "TTY", "STAT", "START", "TIME", "COMMAND"));

		private final List<String> titles;

		Format(List<String> titles) {
			this.titles = titles;
		}

		public List<String> titles() {
			return this.titles;
		}

		/** Empty for ps arguments other than none, {@code -ef}/{@code -e -f}/{@code -fe} and {@code aux}/{@code -aux}. */
		public static Optional<Format> parse(String psArgs) {
			String a = (psArgs == null) ? "" : psArgs.trim().replaceAll("\\s+", " ");
			return switch (a) {
				case "", "-ef", "-fe", "-e -f", "-f -e" -> Optional.of(FULL);
				case "aux", "-aux", "axu", "uax" -> Optional.of(BSD_USER);
				default -> Optional.empty();
			};
		}

	}

	private static final long PAGE_KB = 4;

	private static final DateTimeFormatter HOUR_MINUTE = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

	private static final DateTimeFormatter MONTH_DAY = DateTimeFormatter.ofPattern("MMMdd", Locale.ROOT);

	private final StatsReader reader;

	private final Path passwd;

	private final ZoneId zone;

	@Autowired
	ProcessTable(StatsReader reader) {
		this(reader, Path.of("/etc/passwd"), ZoneId.systemDefault());
	}

	ProcessTable(StatsReader reader, Path passwd, ZoneId zone) {
		this.reader = reader;
		this.passwd = passwd;
		this.zone = zone;
	}

	/** The processes of the cgroup now, ordered by pid as ps lists them. */
	public Table list(String cgroupPath, Format format) {
		List<ProcessInfo> procs = new ArrayList<>();
		for (int pid : this.reader.pids(cgroupPath)) {
			ProcessInfo.read(this.reader.procRoot().resolve(Integer.toString(pid))).ifPresent(procs::add);
		}
		return render(procs, format);
	}

	Table render(List<ProcessInfo> procs, Format format) {
		Context ctx = new Context(this.reader.clock().instant(), this.reader.procStat().bootTime(),
				this.reader.uptime(), this.reader.memTotal() / 1024, users());
		List<List<String>> rows = new ArrayList<>();
		for (ProcessInfo p : procs) {
			rows.add((format == Format.FULL) ? full(p, ctx) : bsd(p, ctx));
		}
		return new Table(format.titles(), rows);
	}

	private record Context(Instant now, long bootTime, double uptime, long memTotalKb, Map<Long, String> users) {
	}

	private List<String> full(ProcessInfo p, Context ctx) {
		long seconds = elapsed(p, ctx);
		long cpu = (seconds > 0) ? Math.min(((p.utime() + p.stime()) * 100 / StatsReader.CLOCK_TICKS) / seconds, 99)
				: 0;
		return List.of(user(p.euid(), ctx), Integer.toString(p.pid()), Integer.toString(p.ppid()),
				Long.toString(cpu), stime(started(p, ctx), ctx.now()), tty(p.ttyNr()), time(p), command(p));
	}

	private List<String> bsd(ProcessInfo p, Context ctx) {
		long seconds = elapsed(p, ctx);
		long pcpu = (seconds > 0) ? ((p.utime() + p.stime()) * 1000 / StatsReader.CLOCK_TICKS) / seconds : 0;
		long rssKb = p.rssPages() * PAGE_KB;
		long pmem = (ctx.memTotalKb() > 0) ? rssKb * 1000 / ctx.memTotalKb() : 0;
		return List.of(user(p.euid(), ctx), Integer.toString(p.pid()), tenths(pcpu), tenths(pmem),
				Long.toString(p.vsize() / 1024), Long.toString(rssKb), tty(p.ttyNr()), stat(p),
				start(started(p, ctx), ctx.now()), bsdTime(p), command(p));
	}

	/** Seconds the process has been running, as procps computes it from the uptime. */
	private static long elapsed(ProcessInfo p, Context ctx) {
		return Math.max(0, (long) (ctx.uptime() - (double) p.startTime() / StatsReader.CLOCK_TICKS));
	}

	private static Instant started(ProcessInfo p, Context ctx) {
		return Instant.ofEpochSecond(ctx.bootTime() + p.startTime() / StatsReader.CLOCK_TICKS);
	}

	/** procps's name column: the name, or the number without one; names over 8 characters end in {@code +}. */
	private static String user(long uid, Context ctx) {
		String name = ctx.users().get(uid);
		if (name == null) {
			return Long.toString(uid);
		}
		return (name.length() > 8) ? name.substring(0, 7) + "+" : name;
	}

	/** {@code STIME}: HH:MM today, MonDD earlier this year, the year before that. */
	String stime(Instant started, Instant now) {
		ZonedDateTime s = started.atZone(this.zone);
		ZonedDateTime n = now.atZone(this.zone);
		if (s.getYear() != n.getYear()) {
			return Integer.toString(s.getYear());
		}
		if (s.getDayOfYear() != n.getDayOfYear()) {
			return MONTH_DAY.format(s);
		}
		return HOUR_MINUTE.format(s);
	}

	/** BSD {@code START}: HH:MM within a day, MonDD within a year, else the year. */
	String start(Instant started, Instant now) {
		long age = now.getEpochSecond() - started.getEpochSecond();
		ZonedDateTime s = started.atZone(this.zone);
		if (age > 3600L * 24 * 365) {
			return Integer.toString(s.getYear());
		}
		if (age > 3600L * 24) {
			return MONTH_DAY.format(s);
		}
		return HOUR_MINUTE.format(s);
	}

	/** {@code TIME} of -f: cumulative CPU as [DD-]HH:MM:SS. */
	static String time(ProcessInfo p) {
		long t = (p.utime() + p.stime()) / StatsReader.CLOCK_TICKS;
		long days = t / 86400;
		String hms = String.format(Locale.ROOT, "%02d:%02d:%02d", (t / 3600) % 24, (t / 60) % 60, t % 60);
		return (days > 0) ? days + "-" + hms : hms;
	}

	/** {@code TIME} of BSD formats: cumulative CPU as M:SS. */
	static String bsdTime(ProcessInfo p) {
		long t = (p.utime() + p.stime()) / StatsReader.CLOCK_TICKS;
		return String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
	}

	/** Linux's tty device numbers: 136–143 are /dev/pts, 4 the virtual consoles and serial ports. */
	static String tty(int ttyNr) {
		if (ttyNr == 0) {
			return "?";
		}
		int major = (ttyNr >> 8) & 0xfff;
		int minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
		if (major >= 136 && major <= 143) {
			return "pts/" + ((major - 136) * 256 + minor);
		}
		if (major == 4) {
			return (minor < 64) ? "tty" + minor : "ttyS" + (minor - 64);
		}
		if (major == 5 && minor == 1) {
			return "console";
		}
		return "?";
	}

	/** BSD STAT: the state, then {@code <}/{@code N} for priority, {@code L}, {@code s}, {@code l} and {@code +}. */
	static String stat(ProcessInfo p) {
		StringBuilder b = new StringBuilder().append(p.state());
		if (p.nice() < 0) {
			b.append('<');
		}
		else if (p.nice() > 0) {
			b.append('N');
		}
		if (p.lockedKb() > 0) {
			b.append('L');
		}
		if (p.session() == p.pid()) {
			b.append('s');
		}
		if (p.multiThreaded()) {
			b.append('l');
		}
		if (p.tpgid() != -1 && p.tpgid() == p.pgrp()) {
			b.append('+');
		}
		return b.toString();
	}

	/** The arguments, or {@code [comm]} when there are none (kernel threads, zombies). */
	static String command(ProcessInfo p) {
		if (p.cmdline().isEmpty()) {
			return "[" + p.comm() + "]";
		}
		return String.join(" ", p.cmdline()).replace('\n', '?').replace('\t', '?');
	}

	private static String tenths(long value) {
		return (value > 999) ? Long.toString(value / 10) : (value / 10) + "." + (value % 10);
	}

	private Map<Long, String> users() {
		Map<Long, String> users = new HashMap<>();
		try {
			for (String line : Files.readAllLines(this.passwd)) {
				String[] f = line.split(":", -1);
				if (f.length > 2) {
					try {
						users.putIfAbsent(Long.parseLong(f[2]), f[0]);
					}
					catch (NumberFormatException ex) {
						// A malformed line names nobody.
					}
				}
			}
		}
		catch (IOException ex) {
			// Without a passwd file ps shows numbers, and so do we.
		}
		return users;
	}

}
