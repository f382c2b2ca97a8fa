package io.berth.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default bridge network through the real docker CLI: each container gets a veth into the daemon's bridge, an
 * address from its subnet, a default route through the bridge, and is reachable from the host and from other
 * containers; its veth goes when it does. Traffic goes only between the host and these containers.
 */
class BridgeNetworkIT extends BusyboxDaemonSupport {

	private static final String BRIDGE = "berthit0";

	/** The daemon's nftables table, named by its bridge. */
	private static final String TABLE = "berth_" + BRIDGE;

	private static final String NET = "10.77.0";

	@Override
	protected String[] daemonArgs() {
		// A bridge and subnet of this test's own, so it neither meets nor leaves anything on the default berth0.
		return new String[] { "--berth.network.bridge-name=" + BRIDGE,
				"--berth.network.bridge-subnet=" + NET + ".0/24" };
	}

	@AfterAll
	void removeBridge() throws Exception {
		run("ip", "link", "del", BRIDGE);
		// The table was written for this test's bridge; the next daemon writes its own on its first container.
		run("nft", "delete", "table", "ip", TABLE);
	}

	@Test
	void trafficLeavingTheBridgeIsMasqueradedAsTheHost() throws Exception {
		// An "outside" of our own: a namespace on this machine, reached through a veth, with no route back to the
		// bridge's subnet, so only masqueraded traffic can be answered.
		String ns = "berthit-outside";
		run("ip", "netns", "del", ns);
		run("ip", "link", "del", "bxh0");
		try {
			for (String[] cmd : new String[][] { { "ip", "netns", "add", ns },
					{ "ip", "link", "add", "bxh0", "type", "veth", "peer", "name", "bxn0", "netns", ns },
					{ "ip", "addr", "add", "10.66.0.1/24", "dev", "bxh0" }, { "ip", "link", "set", "bxh0", "up" },
					{ "ip", "netns", "exec", ns, "ip", "addr", "add", "10.66.0.2/24", "dev", "bxn0" },
					{ "ip", "netns", "exec", ns, "ip", "link", "set", "bxn0", "up" },
					{ "ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up" } }) {
				Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
				String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
			}
			Process server = new ProcessBuilder("ip", "netns", "exec", ns, "python3", "-c",
					"import socket\ns = socket.create_server(('10.66.0.2', 9999))\nprint('ready', flush=True)\n"
							+ "c, a = s.accept()\nc.sendall(('peer=' + a[0] + '\\n').encode())\nc.close()")
				.redirectErrorStream(true)
				.start();
			try {
				assertThat(new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
					.readLine()).isEqualTo("ready");
				DockerCli.Result r = docker("run", "--rm", "busybox", "nc", "-w", "5", "10.66.0.2", "9999").assertOk();
				assertThat(r.out()).isEqualTo("peer=10.66.0.1\n");
			}
			finally {
				server.destroyForcibly();
			}
			assertThat(run("nft", "list", "table", "ip", TABLE))
				.contains("ip saddr " + NET + ".0/24 oifname != \"" + BRIDGE + "\" masquerade");
			assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv4/ip_forward")).strip())
				.isEqualTo("1");
		}
		finally {
			run("ip", "link", "del", "bxh0");
			run("ip", "netns", "del", ns);
		}
	}

	@Test
	void aContainerOnTheDefaultBridgeHasAnAddressARouteAndItsNameInHosts() {
		DockerCli.Result r = docker("run", "--rm", "--hostname", "web1", "busybox", "sh", "-c",
				"ip -4 -o addr show eth0; ip route; cat /sys/class/net/eth0/address; grep web1 /etc/hosts")
			.assertOk();
		List<String> lines = r.out().lines().map(String::strip).toList();
		assertThat(lines.get(0)).containsPattern("eth0\\s+inet " + NET.replace(".", "\\.") + "\\.\\d+/24");
		String address = lines.get(0).replaceAll(".*inet ([0-9.]+)/24.*", "$1");
		assertThat(lines).contains("default via " + NET + ".1 dev eth0");
		String[] octets = address.split("\\.");
		assertThat(lines).contains(String.format("02:42:%02x:%02x:%02x:%02x", Integer.parseInt(octets[0]),
				Integer.parseInt(octets[1]), Integer.parseInt(octets[2]), Integer.parseInt(octets[3])));
		assertThat(lines).contains(address + "\tweb1");
	}

	@Test
	void inspectShowsTheAddressWhileRunningAndItIsReachableFromTheHostAndFromAnotherContainer() throws Exception {
		docker("run", "-d", "--name", "server", "busybox", "sh", "-c",
				"while true; do echo hello-from-server | nc -l -p 8080; done")
			.assertOk();
		String address = inspect("server", "{{.NetworkSettings.IPAddress}}");
		assertThat(address).startsWith(NET + ".");
		assertThat(inspect("server", "{{.NetworkSettings.Gateway}} {{.NetworkSettings.IPPrefixLen}}"))
			.isEqualTo(NET + ".1 24");
		assertThat(inspect("server", "{{(index .NetworkSettings.Networks \"bridge\").IPAddress}}"))
			.isEqualTo(address);

		assertThat(readLine(address, 8080)).isEqualTo("hello-from-server");
		DockerCli.Result client = docker("run", "--rm", "busybox", "nc", address, "8080").assertOk();
		assertThat(client.out()).isEqualTo("hello-from-server\n");

		docker("stop", "-t", "1", "server").assertOk();
		assertThat(inspect("server", "{{.NetworkSettings.IPAddress}}")).isEmpty();
		docker("start", "server").assertOk();
		assertThat(inspect("server", "{{.NetworkSettings.IPAddress}}")).as("the address is kept until removal")
			.isEqualTo(address);
		docker("rm", "-f", "server").assertOk();
	}

	@Test
	void containersGetDifferentAddressesAndTheirVethsGoWithThem() throws Exception {
		List<String> before = berthVeths();
		docker("run", "-d", "--name", "first", "busybox", "sleep", "60").assertOk();
		docker("run", "-d", "--name", "second", "busybox", "sleep", "60").assertOk();
		String a = inspect("first", "{{.NetworkSettings.IPAddress}}");
		String b = inspect("second", "{{.NetworkSettings.IPAddress}}");
		assertThat(a).startsWith(NET + ".").isNotEqualTo(b);
		assertThat(b).startsWith(NET + ".");
		List<String> during = berthVeths();
		assertThat(during).hasSize(before.size() + 2);
		for (String veth : during) {
			if (!before.contains(veth)) {
				assertThat(run("ip", "link", "show", veth)).contains("master " + BRIDGE);
			}
		}
		docker("rm", "-f", "first", "second").assertOk();
		assertThat(berthVeths()).isEqualTo(before);
	}

	@Test
	void networkLsAndInspectShowThePredefinedNetworksAndTheContainersOnTheBridge() {
		assertThat(docker("network", "ls", "--format", "{{.Name}} {{.Driver}} {{.Scope}}").assertOk().out().lines())
			.containsExactly("bridge bridge local", "host host local", "none null local");
		docker("run", "-d", "--name", "member", "busybox", "sleep", "60").assertOk();
		String address = inspect("member", "{{.NetworkSettings.IPAddress}}");
		assertThat(docker("network", "inspect", "bridge", "--format",
				"{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} "
						+ "{{index .Options \"com.docker.network.bridge.name\"}} "
						+ "{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}")
			.assertOk()
			.out()).isEqualTo(NET + ".0/24 " + NET + ".1 " + BRIDGE + " member " + address + "/24\n");
		docker("rm", "-f", "member").assertOk();

		DockerCli.Result rm = docker("network", "rm", "bridge");
		assertThat(rm.exitCode()).isNotZero();
		assertThat(rm.err()).contains("bridge is a pre-defined network and cannot be removed");
		assertThat(docker("network", "inspect", "nosuch").err()).contains("network nosuch not found");
	}

	@Test
	void addHostAndDnsOptionsShapeTheContainersHostsAndResolvConf() {
		DockerCli.Result r = docker("run", "--rm", "--hostname", "box", "--add-host", "db.test:10.1.2.3",
				"--add-host", "gw:host-gateway", "--dns", "10.0.0.53", "--dns-search", "corp.test", "--dns-option",
				"ndots:2", "busybox", "sh", "-c", "cat /etc/hosts; echo ---; cat /etc/resolv.conf")
			.assertOk();
		String[] parts = r.out().split("---\n");
		List<String> hosts = parts[0].lines().toList();
		assertThat(hosts).contains("10.1.2.3\tdb.test", NET + ".1\tgw");
		assertThat(hosts.get(hosts.size() - 1)).matches(NET.replace(".", "\\.") + "\\.\\d+\tbox");
		// Comments and blank lines of the host's file may stay; every setting is the container's.
		assertThat(parts[1].lines().filter((l) -> !l.isBlank() && !l.startsWith("#")).toList())
			.containsExactly("nameserver 10.0.0.53", "search corp.test", "options ndots:2");
	}

	@Test
	void containerModeJoinsAnotherContainersNamespaceAndOnlyARunningOne() throws Exception {
		docker("run", "-d", "--name", "base", "--add-host", "shared.test:10.4.4.4", "busybox", "sleep", "60")
			.assertOk();
		String address = inspect("base", "{{.NetworkSettings.IPAddress}}");
		String baseNs = docker("exec", "base", "readlink", "/proc/self/ns/net").assertOk().out();
		List<String> before = berthVeths();
		DockerCli.Result r = docker("run", "--rm", "--network", "container:base", "busybox", "sh", "-c",
				"readlink /proc/self/ns/net; ip -4 -o addr show eth0; grep shared.test /etc/hosts")
			.assertOk();
		List<String> lines = r.out().lines().toList();
		assertThat(lines.get(0) + "\n").isEqualTo(baseNs);
		assertThat(lines.get(1)).contains("inet " + address + "/24");
		assertThat(lines.get(2)).isEqualTo("10.4.4.4\tshared.test");
		assertThat(berthVeths()).as("no veth of its own").isEqualTo(before);

		docker("create", "--name", "joiner", "--network", "container:base", "busybox", "sleep", "60").assertOk();
		assertThat(inspect("joiner", "{{json .NetworkSettings.Networks}}")).isEqualTo("{}");
		docker("stop", "-t", "1", "base").assertOk();
		DockerCli.Result refused = docker("start", "joiner");
		assertThat(refused.exitCode()).isNotZero();
		assertThat(refused.err()).contains("cannot join network of a non running container");
		assertThat(docker("run", "--rm", "--network", "container:nosuch", "busybox", "true").err())
			.contains("No such container: nosuch");
		assertThat(docker("run", "--rm", "--network", "container:base", "-p", "80", "busybox", "true").err())
			.contains("conflicting options");
		docker("rm", "-f", "joiner", "base").assertOk();
	}

	@Test
	void removingAContainerWhoseMonitorWasKilledLeavesNoMountNamespaceOrVeth() throws Exception {
		List<String> before = berthVeths();
		docker("run", "-d", "--name", "orphan", "busybox", "sleep", "600").assertOk();
		String id = inspect("orphan", "{{.Id}}");
		long init = Long.parseLong(inspect("orphan", "{{.State.Pid}}"));
		long monitor = ProcessHandle.of(init).orElseThrow().parent().orElseThrow().pid();
		// The monitor dies without cleaning up, then the container's processes go too.
		ProcessHandle.of(monitor).orElseThrow().destroyForcibly();
		ProcessHandle.of(init).orElseThrow().destroyForcibly();
		// Without its monitor no exit record comes: the daemon records 255 after waiting 30 s for one.
		awaitInspect("orphan", "{{.State.Status}} {{.State.ExitCode}}", "exited 255", 60);
		assertThat(mountsMentioning(id)).isNotEmpty();

		docker("rm", "orphan").assertOk();
		assertThat(mountsMentioning(id)).isEmpty();
		assertThat(berthVeths()).isEqualTo(before);
	}

	private static List<String> mountsMentioning(String id) throws IOException {
		return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/mountinfo")).stream()
			.filter((l) -> l.contains(id))
			.toList();
	}

	@Test
	void networkNoneAndHostGetNoVeth() throws Exception {
		List<String> before = berthVeths();
		DockerCli.Result none = docker("run", "--rm", "--network", "none", "busybox", "ls", "/sys/class/net")
			.assertOk();
		assertThat(none.out()).isEqualTo("lo\n");
		docker("run", "-d", "--name", "hosted", "--network", "host", "busybox", "sleep", "60").assertOk();
		assertThat(berthVeths()).isEqualTo(before);
		assertThat(inspect("hosted", "{{.NetworkSettings.IPAddress}}")).isEmpty();
		docker("rm", "-f", "hosted").assertOk();
	}

	@Test
	void publishedPortsAnswerOnTheHostAndShowInPsPortAndInspect() throws Exception {
		int fixed = freePort();
		docker("run", "-d", "--name", "httpd", "-p", "127.0.0.1:" + fixed + ":80", "-p", "80", "--expose", "81", "-P",
				"busybox", "sh", "-c", "echo '<h1>berth</h1>' > /index.html; httpd -f -p 80 -h /")
			.assertOk();
		assertThat(httpGet(fixed)).contains("<h1>berth</h1>");
		assertThat(run("curl", "-sS", "--max-time", "5", "http://127.0.0.1:" + fixed + "/"))
			.isEqualTo("<h1>berth</h1>\n");

		List<String> ports = docker("port", "httpd").assertOk().out().lines().toList();
		assertThat(ports).contains("80/tcp -> 127.0.0.1:" + fixed);
		String random = ports.stream().filter((l) -> l.startsWith("80/tcp -> 0.0.0.0:")).findFirst().orElseThrow();
		int randomPort = Integer.parseInt(random.substring(random.lastIndexOf(':') + 1));
		assertThat(randomPort).isNotEqualTo(fixed);
		assertThat(httpGet(randomPort)).contains("<h1>berth</h1>");
		assertThat(run("curl", "-sS", "--max-time", "5", "http://127.0.0.1:" + randomPort + "/"))
			.isEqualTo("<h1>berth</h1>\n");
		// -P gave the exposed 81 a host port too; nothing listens there in the container, so a connection closes.
		assertThat(ports).anyMatch((l) -> l.startsWith("81/tcp -> 0.0.0.0:"));
		assertThat(docker("ps", "--format", "{{.Ports}}", "--filter", "name=httpd").assertOk().out())
			.contains("127.0.0.1:" + fixed + "->80/tcp");

		docker("rm", "-f", "httpd").assertOk();
		try (java.net.ServerSocket again = new java.net.ServerSocket()) {
			again.bind(new InetSocketAddress("127.0.0.1", fixed));
		}
	}

	@Test
	void aDaemonKilledWithSigkillFindsItsContainersStillAddressedAndPublished() throws Exception {
		int port = freePort();
		docker("run", "-d", "--name", "survivor", "-p", "127.0.0.1:" + port + ":80", "busybox", "sh", "-c",
				"echo '<h1>still here</h1>' > /index.html; httpd -f -p 80 -h /")
			.assertOk();
		String address = inspect("survivor", "{{.NetworkSettings.IPAddress}}");
		assertThat(httpGet(port)).contains("still here");

		this.daemon.kill9();
		// The monitor holds the port and the namespace: the container answers while the daemon is away.
		assertThat(httpGet(port)).contains("still here");
		this.daemon.launch();
		assertThat(inspect("survivor", "{{.NetworkSettings.IPAddress}}")).isEqualTo(address);
		assertThat(docker("port", "survivor", "80").assertOk().out()).isEqualTo("127.0.0.1:" + port + "\n");
		assertThat(httpGet(address, 80)).contains("still here");
		docker("rm", "-f", "survivor").assertOk();
	}

	@Test
	void aHostPortInUseGivesAClearErrorAndLeavesNoVethOrListener() throws Exception {
		List<String> before = berthVeths();
		try (java.net.ServerSocket taken = new java.net.ServerSocket()) {
			taken.bind(new InetSocketAddress("127.0.0.1", 0));
			int port = taken.getLocalPort();
			DockerCli.Result r = docker("run", "-d", "--name", "clash", "-p", "127.0.0.1:" + port + ":80", "busybox",
					"sleep", "60");
			assertThat(r.exitCode()).isNotZero();
			assertThat(r.err()).contains("Bind for 127.0.0.1:" + port + " failed").contains("in use");
		}
		assertThat(inspect("clash", "{{.State.Status}}")).isEqualTo("created");
		assertThat(berthVeths()).isEqualTo(before);
		docker("rm", "clash").assertOk();
		assertThat(docker("run", "--rm", "--network", "none", "-p", "80", "busybox", "true").exitCode()).isNotZero();
	}

	private static int freePort() throws IOException {
		try (java.net.ServerSocket s = new java.net.ServerSocket()) {
			s.bind(new InetSocketAddress("127.0.0.1", 0));
			return s.getLocalPort();
		}
	}

	private static String httpGet(int port) throws Exception {
		return httpGet("127.0.0.1", port);
	}

	/** A plain HTTP/1.0 GET, retried while the server in the container is still starting. */
	private static String httpGet(String host, int port) throws Exception {
		IOException last = null;
		for (int i = 0; i < 50; i++) {
			try (Socket s = new Socket()) {
				s.connect(new InetSocketAddress(host, port), 5000);
				s.setSoTimeout(5000);
				s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				if (!reply.isEmpty()) {
					return reply;
				}
			}
			catch (IOException ex) {
				last = ex;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("no HTTP answer on " + host + ":" + port, last);
	}

	/** The host ends of Berth's veths: {@code vb} and thirteen hex digits of an endpoint ID. */
	private static List<String> berthVeths() throws Exception {
		return run("ip", "-o", "link", "show", "type", "veth").lines()
			.map((l) -> l.split(":")[1].strip().split("@")[0])
			.filter((n) -> n.matches("vb[0-9a-f]{13}"))
			.sorted()
			.toList();
	}

	private static String readLine(String address, int port) throws IOException {
		try (Socket s = new Socket()) {
			s.connect(new InetSocketAddress(address, port), 5000);
			s.setSoTimeout(5000);
			return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
		}
	}

	private static String run(String... command) throws Exception {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		p.waitFor(30, TimeUnit.SECONDS);
		return out;
	}

}
