package io.berth.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.berth.error.InvalidParameterException;

/** Capability names and the set a container gets from Docker's defaults, --cap-add, --cap-drop and --privileged. */
final class Capabilities {

	/** Capability numbers to names, as the kernel numbers them. */
	static final List<String> ALL = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
			"CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
			"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
			"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
			"CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
			"CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
			"CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
			"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

	private Capabilities() {
	}

	static String normalize(String name) {
		String n = name.toUpperCase(Locale.ROOT);
		return (n.equals("ALL") || n.startsWith("CAP_")) ? n : "CAP_" + n;
	}

	static void check(String name) {
		String n = normalize(name);
		if (!n.equals("ALL") && !ALL.contains(n)) {
			throw new InvalidParameterException("unknown capability: \"" + name + "\"");
		}
	}

	/**
	 * The container's capability list. Privileged containers get exactly the host's bounding set, not every known
	 * capability, so they also work where the host lacks one (where runc's "all capabilities" would fail).
	 */
	static List<String> effective(ContainerSpec.HostSettings h) {
		if (h.privileged()) {
			return hostBoundingSet();
		}
		Set<String> caps = new LinkedHashSet<>(OciSpecFactory.DEFAULT_CAPS);
		List<String> drop = h.capDrop().stream().map(Capabilities::normalize).toList();
		List<String> add = h.capAdd().stream().map(Capabilities::normalize).toList();
		if (drop.contains("ALL")) {
			caps.clear();
		}
		else {
			caps.removeAll(drop);
		}
		if (add.contains("ALL")) {
			caps.addAll(hostBoundingSet());
		}
		else {
			caps.addAll(add);
		}
		List<String> host = hostBoundingSet();
		return new ArrayList<>(caps.stream().filter(host::contains).toList());
	}

	static List<String> hostBoundingSet() {
		try {
			Matcher m = Pattern.compile("(?m)^CapBnd:\\s*([0-9a-f]+)").matcher(Files.readString(Path.of(
					"/proc/self/status")));
			long mask = m.find() ? Long.parseUnsignedLong(m.group(1), 16) : 0;
			List<String> caps = new ArrayList<>();
			for (int i = 0; i < ALL.size(); i++) {
				if ((mask & (1L << i)) != 0) {
					caps.add(ALL.get(i));
				}
			}
			return caps;
		}
		catch (IOException ex) {
			return List.copyOf(OciSpecFactory.DEFAULT_CAPS);
		}
	}

}
