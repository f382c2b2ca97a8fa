package io.berth.container;

import java.util.Locale;
import java.util.Map;

import io.berth.error.InvalidParameterException;
import jnr.ffi.LibraryLoader;

/** Signal names as Docker accepts them: {@code KILL}, {@code SIGKILL} or {@code 9}. */
final class Signals {

	private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
			Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5), Map.entry("ABRT", 6), Map.entry("IOT", 6),
			Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10),
			Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14),
			Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18),
			Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22),
			Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26),
			Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("POLL", 29),
			Map.entry("PWR", 30), Map.entry("SYS", 31));

	private Signals() {
	}

	/** The one libc call needed to signal a process by its host PID, without spawning kill(1). */
	public interface LibC {

		int kill(int pid, int signal);

	}

	private static final class Holder {

		static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");

	}

	/** Sends the signal; false when there is no such process (it has gone). */
	static boolean send(int pid, int signal) {
		return Holder.LIBC.kill(pid, signal) == 0;
	}

	static int parse(String name) {
		String n = name.trim().toUpperCase(Locale.ROOT);
		if (n.matches("\\d+")) {
			int v = Integer.parseInt(n);
			if (v >= 1 && v <= 64) {
				return v;
			}
		}
		else {
			Integer v = NUMBERS.get(n.startsWith("SIG") ? n.substring(3) : n);
			if (v != null) {
				return v;
			}
		}
		throw new InvalidParameterException("Invalid signal: " + name);
	}

}
