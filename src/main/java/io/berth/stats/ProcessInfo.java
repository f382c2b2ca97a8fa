package io.berth.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One process as {@code /proc/<pid>/{stat,status,cmdline}} describe it: what {@code ps} needs for its columns.
 *
 * @param comm the executable name, without the parentheses of {@code stat}
 * @param state {@code R}, {@code S}, {@code D}, {@code Z}, ...
 * @param ttyNr the controlling terminal's device number (0 for none)
 * @param utime user time in clock ticks
 * @param stime system time in clock ticks
 * @param startTime when the process started, in clock ticks after boot
 * @param vsize virtual memory in bytes
 * @param rssPages resident pages
 * @param euid the effective uid ({@code Uid:} in status, second field)
 * @param lockedKb {@code VmLck} in KiB
 * @param cmdline the arguments; empty for kernel threads and zombies
 * @see <a href="https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html">proc_pid_stat(5)</a>
 */
public record ProcessInfo(int pid, int ppid, String comm, char state, int pgrp, int session, int ttyNr, int tpgid,
		long utime, long stime, long nice, long numThreads, long startTime, long vsize, long rssPages, long euid,
		long lockedKb, List<String> cmdline) {

	public ProcessInfo {
		cmdline = List.copyOf(cmdline);
	}

	/** Reads one process; empty when it exited meanwhile. */
	public static Optional<ProcessInfo> read(Path procPidDir) {
		try {
			String stat = Files.readString(procPidDir.resolve("stat"), StandardCharsets.ISO_8859_1);
			String status = Files.readString(procPidDir.resolve("status"), StandardCharsets.ISO_8859_1);
			byte[] cmdline = Files.readAllBytes(procPidDir.resolve("cmdline"));
			return Optional.of(parse(stat, status, cmdline));
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The command name sits in parentheses and may itself hold spaces and parentheses, so the fields after it are
	 * counted from the last {@code )}.
	 */
	static ProcessInfo parse(String stat, String status, byte[] cmdline) {
		int open = stat.indexOf('(');
		int close = stat.lastIndexOf(')');
		if (open < 0 || close < open) {
			throw new IllegalArgumentException("malformed stat: " + stat);
		}
		int pid = Integer.parseInt(stat.substring(0, open).trim());
		String comm = stat.substring(open + 1, close);
		// f[0] is field 3 (state) of proc_pid_stat(5).
		String[] f = stat.substring(close + 1).trim().split("\\s+");
		long euid = 0;
		long locked = 0;
		for (String line : status.split("\n")) {
			if (line.startsWith("Uid:")) {
				String[] ids = line.substring(4).trim().split("\\s+");
				euid = Long.parseLong(ids.length > 1 ? ids[1] : ids[0]);
			}
			else if (line.startsWith("VmLck:")) {
				locked = Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
			}
		}
		return new ProcessInfo(pid, (int) num(f, 4), comm, f[0].charAt(0), (int) num(f, 5), (int) num(f, 6),
				(int) num(f, 7), (int) num(f, 8), num(f, 14), num(f, 15), num(f, 19), num(f, 20), num(f, 22),
				num(f, 23), num(f, 24), euid, locked, args(cmdline));
	}

	/** Field {@code n} of proc_pid_stat(5), counting from 1 as the man page does. */
	private static long num(String[] fieldsFromState, int n) {
		int i = n - 3;
		return (i < fieldsFromState.length) ? Long.parseLong(fieldsFromState[i]) : 0;
	}

	/** NUL-separated arguments; a trailing NUL ends the list rather than adding an empty argument. */
	static List<String> args(byte[] cmdline) {
		List<String> out = new ArrayList<>();
		int start = 0;
		for (int i = 0; i <= cmdline.length; i++) {
			if (i == cmdline.length || cmdline[i] == 0) {
				if (i > start || i < cmdline.length) {
					out.add(new String(cmdline, start, i - start, StandardCharsets.UTF_8));
				}
				start = i + 1;
			}
		}
		return out;
	}

	/** Whether the process has more than one thread ({@code l} in BSD STAT). */
	boolean multiThreaded() {
		return this.numThreads > 1;
	}

}
