package io.berth.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.berth.host.HostInfo;
import io.berth.image.ResolvedImage;
import io.berth.network.NetworkAttachment;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * Writes a container's OCI bundle before each start: the directories the overlay needs, the per-container
 * {@code /etc/hosts}, {@code /etc/hostname} and {@code /etc/resolv.conf}, and {@code config.json}.
 */
@Component
class BundleWriter {

	private final ContainerService containers;

	private final JsonMapper json = JsonMapper.builder().build();

	private final SeccompProfile seccomp;

	private final NetworkFiles networkFiles;

	BundleWriter(ContainerService containers, HostInfo hostInfo, NetworkFiles networkFiles) {
		this.containers = containers;
		this.networkFiles = networkFiles;
		this.seccomp = SeccompProfile.builtIn(hostInfo.kernelVersion());
	}

	ContainerSpec.HostSettings hostSettings(Container c) {
		return CreateRequestParser.hostSettings(c.getHostConfig());
	}

	/**
	 * Writes the bundle; {@code net} is the container's first bridge interface, or null in the other modes,
	 * {@code embeddedDns} whether it resolves through the embedded DNS, and
	 * {@code joined} the namespace of the container it joins with {@code --network container:X}, or null.
	 */
	void write(Container c, ContainerFiles files, ResolvedImage image, ContainerSpec.HostSettings host,
			NetworkAttachment net, boolean embeddedDns, JoinedNetwork joined) {
		Map<String, Object> config = this.containers.config(c);
		String hostname = (String) config.get("Hostname");
		String domain = (String) config.getOrDefault("Domainname", "");
		boolean tty = Boolean.TRUE.equals(config.get("Tty"));
		try {
			Files.createDirectories(files.rootfs());
			Files.createDirectories(files.upper());
			Files.createDirectories(files.work());
			if (files.netns() != null) {
				Files.createDirectories(files.netns().getParent());
			}
			Files.writeString(files.hostname(), hostname + "\n");
			if (joined != null) {
				// As with dockerd, a container in another's namespace resolves names as that one does.
				Files.copy(joined.files().hosts(), files.hosts(), StandardCopyOption.REPLACE_EXISTING);
				Files.copy(joined.files().resolvConf(), files.resolvConf(), StandardCopyOption.REPLACE_EXISTING);
			}
			else {
				Files.writeString(files.hosts(), this.networkFiles.hosts(hostname, host.extraHosts(),
						(net != null) ? net.address() : null));
				Files.writeString(files.resolvConf(), NetworkFiles.resolvConf(Path.of("/etc/resolv.conf"),
						host.dns(), host.dnsSearch(), host.dnsOptions(), embeddedDns));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot prepare the bundle of " + c.getId(), ex);
		}
		List<Path> layersTopFirst = new ArrayList<>();
		layersTopFirst.add(files.upper());
		List<Path> lowers = new ArrayList<>(image.layerDirs());
		java.util.Collections.reverse(lowers);
		layersTopFirst.addAll(lowers);
		UserResolver.User user = UserResolver.resolve((String) config.getOrDefault("User", ""), layersTopFirst);
		List<String> env = new ArrayList<>(castList(config.get("Env")));
		env.add("HOSTNAME=" + hostname);
		if (tty && env.stream().noneMatch((e) -> e.startsWith("TERM="))) {
			env.add("TERM=xterm");
		}
		String cwd = (String) config.getOrDefault("WorkingDir", "");
		List<String> caps = Capabilities.effective(host);
		// Like dockerd, the profile follows the final capability set, so --cap-add SYS_ADMIN also unlocks mount.
		Map<String, Object> seccomp = this.seccomp.forCapabilities(Set.copyOf(caps), System.getProperty("os.arch"));
		Map<String, Object> spec = OciSpecFactory.build(new OciSpecFactory.Inputs(c.getId(), this.containers.args(c),
				env, (cwd == null || cwd.isEmpty()) ? "/" : cwd, user.uid(), user.gid(), user.groups(), hostname,
				domain, tty, host.consoleSize(), caps, host, this.containers.mounts(c), files.hosts().toString(),
				files.hostname().toString(), files.resolvConf().toString(),
				netnsPath(host, files, joined), seccomp));
		try {
			Files.writeString(files.bundle().resolve("config.json"), this.json.writeValueAsString(spec));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the bundle of " + c.getId(), ex);
		}
	}

	/** The network namespace config.json joins: none for the host's, another container's, or its own. */
	private static String netnsPath(ContainerSpec.HostSettings host, ContainerFiles files, JoinedNetwork joined) {
		if (joined != null) {
			return joined.netnsPath();
		}
		return host.networkMode().equals("host") ? null : files.netns().toString();
	}

	@SuppressWarnings("unchecked")
	private static List<String> castList(Object o) {
		return (o instanceof List<?> l) ? (List<String>) l : List.of();
	}

}
