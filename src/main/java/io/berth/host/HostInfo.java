package io.berth.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/** Facts about the host, read once from /proc and /etc. */
@Component
public class HostInfo {

	private final String kernelVersion;

	private final String operatingSystem;

	private final long memTotal;

	private final String hostname;

	private final String cgroupVersion;

	public HostInfo() {
		// cgroup2 mounted at the root exposes cgroup.controllers there; a v1 (or hybrid) tree does not.
		this.cgroupVersion = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "2" : "1";
		this.kernelVersion = read("/proc/sys/kernel/osrelease").trim();
		this.hostname = read("/proc/sys/kernel/hostname").trim();
		Matcher name = Pattern.compile("(?m)^PRETTY_NAME=\"?([^\"\\n]*)\"?$").matcher(read("/etc/os-release"));
		this.operatingSystem = name.find() ? name.group(1) : "Linux";
		Matcher mem = Pattern.compile("(?m)^MemTotal:\\s+(\\d+) kB").matcher(read("/proc/meminfo"));
		this.memTotal = mem.find() ? Long.parseLong(mem.group(1)) * 1024 : 0;
	}

	public String kernelVersion() {
		return this.kernelVersion;
	}

	public String operatingSystem() {
		return this.operatingSystem;
	}

	public long memTotal() {
		return this.memTotal;
	}

	public String hostname() {
		return this.hostname;
	}

	/** {@code "1"} or {@code "2"}: how the cgroup hierarchy at {@code /sys/fs/cgroup} is mounted. */
	public String cgroupVersion() {
		return this.cgroupVersion;
	}

	public int cpus() {
		return Runtime.getRuntime().availableProcessors();
	}

	private static String read(String path) {
		try {
			return Files.readString(Path.of(path));
		}
		catch (IOException ex) {
			return "";
		}
	}

}
