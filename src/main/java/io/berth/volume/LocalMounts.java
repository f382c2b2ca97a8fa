package io.berth.volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.berth.error.SystemException;

/**
 * The local driver's mount options ({@code type}, {@code device}, {@code o}, as in {@code docker volume create -o
 * type=tmpfs -o device=tmpfs -o o=size=64m}), applied with mount(8): the JDK has no mount call, and a short-lived
 * process keeps a failing mount out of the daemon.
 */
final class LocalMounts {

	private LocalMounts() {
	}

	static boolean needsMount(Map<String, String> options) {
		return options.containsKey("type") || options.containsKey("device");
	}

	/** Mounts the volume's device on its data directory unless something is mounted there already. */
	static void mount(Path target, Map<String, String> options) {
		if (!needsMount(options) || isMountPoint(target)) {
			return;
		}
		List<String> cmd = new ArrayList<>(List.of("mount", "-t", options.getOrDefault("type", "none")));
		if (!options.getOrDefault("o", "").isEmpty()) {
			cmd.addAll(List.of("-o", options.get("o")));
		}
		cmd.addAll(List.of(options.getOrDefault("device", "none"), target.toString()));
		run(cmd, "error while mounting volume '" + target + "'");
	}

	static void unmount(Path target) {
		if (isMountPoint(target)) {
			run(List.of("umount", target.toString()), "error while unmounting volume '" + target + "'");
		}
	}

	static boolean isMountPoint(Path target) {
		try {
			String wanted = target.toRealPath().toString();
			// Field 5 of each mountinfo line is the mount point, with spaces and the like octal-escaped.
			for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
				String[] f = line.split(" ");
				if (f.length > 4 && unescape(f[4]).equals(wanted)) {
					return true;
				}
			}
			return false;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static String unescape(String s) {
		StringBuilder b = new StringBuilder();
		for (int i = 0; i < s.length(); i++) {
			if (s.charAt(i) == '\\' && i + 3 < s.length()) {
				b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
				i += 3;
			}
			else {
				b.append(s.charAt(i));
			}
		}
		return b.toString();
	}

	private static void run(List<String> cmd, String context) {
		try {
			Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
			p.getOutputStream().close();
			String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (!p.waitFor(60, TimeUnit.SECONDS)) {
				p.destroyForcibly();
				throw new SystemException(context + ": " + cmd.get(0) + " did not finish within 60 s");
			}
			if (p.exitValue() != 0) {
				throw new SystemException(context + ": " + out);
			}
		}
		catch (IOException ex) {
			throw new SystemException(context + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SystemException(context + ": interrupted", ex);
		}
	}

}
