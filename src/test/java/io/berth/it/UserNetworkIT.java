package io.berth.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * User-defined networks through the real docker CLI: names and aliases resolved by the embedded DNS, isolation
 * between networks, connect and disconnect, published ports through DNAT, and nothing left after removal. The
 * embedded DNS forwards other names to a resolver this test runs on 127.0.0.1, so no query leaves the machine.
 * Traffic goes only between the host, these containers and a namespace of the test's own.
 */
class UserNetworkIT extends BusyboxDaemonSupport {

	private static final String BRIDGE = "berthit1";

	/** The daemon's nftables table, named by its bridge. */
	private static final String TABLE = "berth_" + BRIDGE;

	private static final FakeResolver RESOLVER = FakeResolver.start();

	@Override
	protected String[] daemonArgs() {
		return new String[] { "--berth.network.bridge-name=" + BRIDGE, "--berth.network.bridge-subnet=10.78.0.0/24",
				"--berth.network.pool=10.79.0.0/16", "--berth.network.dns-upstreams=127.0.0.1:" + RESOLVER.port() };
	}

	@AfterEach
	void removeEverything() {
		String ids = docker("ps", "-aq").assertOk().out().strip();
		if (!ids.isEmpty()) {
			String[] args = ("rm -f " + ids.replace('\n', ' ')).split(" ");
			docker(args).assertOk();
		}
		docker("network", "prune", "-f").assertOk();
	}

	@AfterAll
	void removeBridge() throws Exception {
		RESOLVER.close();
		run("ip", "link", "del", BRIDGE);
		run("nft", "delete", "table", "ip", TABLE);
	}

	@Test
	void containersOnANetworkReachEachOtherByNameAndAliasThroughTheEmbeddedDns() {
		docker("network", "create", "appnet").assertOk();
		startWeb("web", "appnet", "--network-alias", "frontend");
		String address = inspect("web", "{{(index .NetworkSettings.Networks \"appnet\").IPAddress}}");
		assertThat(address).startsWith("10.79.");
		assertThat(inspect("web", "{{(index .NetworkSettings.Networks \"appnet\").Aliases}}")).contains("frontend");

		DockerCli.Result r = docker("run", "--rm", "--network", "appnet", "busybox", "sh", "-c",
				"cat /etc/resolv.conf; " + fetchByName("web") + "; " + fetchByName("frontend") + "; "
						+ fetchByName("WEB.appnet"));
		r.assertOk();
		assertThat(r.out()).contains("nameserver 127.0.0.11").contains("options ndots:0");
		assertThat(r.out().lines().filter((l) -> l.equals("served by web")).count()).isEqualTo(3);

		DockerCli.Result forwarded = docker("run", "--rm", "--network", "appnet", "busybox", "nslookup",
				"outside.test");
		assertThat(forwarded.out()).as(forwarded.err()).contains("10.1.1.1");
		assertThat(RESOLVER.asked()).contains("outside.test");
	}

	@Test
	void anotherNetworkCanNeitherResolveNorReachItUntilConnected() {
		docker("network", "create", "front").assertOk();
		docker("network", "create", "back").assertOk();
		startWeb("api", "back");
		String address = inspect("api", "{{(index .NetworkSettings.Networks \"back\").IPAddress}}");
		docker("run", "-d", "--name", "client", "--network", "front", "busybox", "sleep", "600").assertOk();

		DockerCli.Result lookup = docker("exec", "client", "nslookup", "api");
		assertThat(lookup.exitCode()).as(lookup.out()).isNotZero();
		assertThat(lookup.out() + lookup.err()).doesNotContain(address);
		assertThat(docker("exec", "client", "nc", "-w", "2", address, "80").exitCode())
			.as("a container on another network cannot reach it").isNotZero();

		docker("network", "connect", "back", "client").assertOk();
		assertThat(docker("exec", "client", "ip", "-o", "-4", "addr", "show", "eth1").assertOk().out())
			.contains(" 10.79.");
		assertThat(docker("exec", "client", "sh", "-c", fetchByName("api")).assertOk().out())
			.isEqualTo("served by api\n");
		assertThat(inspect("client", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}"))
			.isEqualTo("back front");

		docker("network", "disconnect", "back", "client").assertOk();
		assertThat(docker("exec", "client", "ls", "/sys/class/net").assertOk().out()).doesNotContain("eth1");
		assertThat(docker("exec", "client", "nslookup", "api").exitCode()).isNotZero();
		assertThat(docker("exec", "client", "nc", "-w", "2", address, "80").exitCode()).isNotZero();
	}

	@Test
	void aNetworkInUseCannotBeRemovedAndOneWithASubnetGivesFixedAddresses() {
		docker("network", "create", "--subnet", "10.79.200.0/24", "--gateway", "10.79.200.254", "--label", "team=a",
				"fixed")
			.assertOk();
		assertThat(docker("network", "create", "--subnet", "10.79.200.128/25", "clash").err()).contains("overlaps");
		assertThat(docker("network", "create", "fixed").err()).contains("already exists");
		startWeb("pinned", "fixed", "--ip", "10.79.200.10");
		assertThat(docker("exec", "pinned", "ip", "route").assertOk().out())
			.contains("default via 10.79.200.254 dev eth0");
		assertThat(docker("network", "inspect", "fixed", "--format",
				"{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}} {{.Labels.team}} "
						+ "{{range .Containers}}{{.Name}} {{.IPv4Address}}{{end}}")
			.assertOk()
			.out()).isEqualTo("10.79.200.0/24 10.79.200.254 a pinned 10.79.200.10/24\n");
		assertThat(docker("run", "--rm", "--network", "fixed", "--ip", "10.79.200.10", "busybox", "true").err())
			.contains("already in use");

		// Not through run: the CLI takes any 404 from create for a missing image and would try Docker Hub.
		assertThat(docker("network", "connect", "nosuch", "pinned").err()).contains("network nosuch not found");
		DockerCli.Result rm = docker("network", "rm", "fixed");
		assertThat(rm.exitCode()).isNotZero();
		assertThat(rm.err()).contains("has active endpoints");
		assertThat(docker("network", "ls", "--format", "{{.Name}}").assertOk().out().lines()).contains("fixed");
		docker("rm", "-f", "pinned").assertOk();
		docker("network", "rm", "fixed").assertOk();
		assertThat(docker("network", "inspect", "fixed").err()).contains("network fixed not found");
	}

	@Test
	void anInternalNetworkHasNoDefaultRouteAndNoMasquerade() throws Exception {
		docker("network", "create", "--internal", "--subnet", "10.79.77.0/24", "sealed").assertOk();
		assertThat(docker("run", "--rm", "--network", "sealed", "busybox", "ip", "route").assertOk().out())
			.doesNotContain("default");
		String rules = run("nft", "list", "table", "ip", TABLE);
		assertThat(rules).doesNotContain("10.79.77.0/24 oifname");
		String bridge = docker("network", "inspect", "sealed", "--format",
				"{{index .Options \"com.docker.network.bridge.name\"}}{{.Id}}").assertOk().out();
		assertThat(rules).containsPattern("iifname \"bt-[0-9a-f]{12}\" oifname != \"bt-[0-9a-f]{12}\" drop");
		assertThat(bridge).isNotEmpty();
	}

	@Test
	void aPublishedPortIsReachedFromAnotherMachineThroughDnatWithTheClientsAddress() throws Exception {
		docker("network", "create", "pub").assertOk();
		int port = freePort();
		startWeb("site", "pub", "-p", port + ":80");
		// Another machine: a namespace of this test's own behind a veth, which reaches the host's address there.
		String ns = "berthit-remote";
		run("ip", "netns", "del", ns);
		run("ip", "link", "del", "bxr0");
		try {
			for (String[] cmd : new String[][] { { "ip", "netns", "add", ns },
					{ "ip", "link", "add", "bxr0", "type", "veth", "peer", "name", "bxr1", "netns", ns },
					{ "ip", "addr", "add", "10.67.0.1/24", "dev", "bxr0" }, { "ip", "link", "set", "bxr0", "up" },
					{ "ip", "netns", "exec", ns, "ip", "addr", "add", "10.67.0.2/24", "dev", "bxr1" },
					{ "ip", "netns", "exec", ns, "ip", "link", "set", "bxr1", "up" } }) {
				assertThat(run(cmd)).as(String.join(" ", cmd)).doesNotContain("rror");
			}
			String reply = run("ip", "netns", "exec", ns, "busybox", "wget", "-q", "-O", "-",
					"http://10.67.0.1:" + port + "/");
			assertThat(reply).isEqualTo("served by site\n");
			// DNAT keeps the client's address, where a proxy would show its own.
			assertThat(docker("logs", "site").assertOk().out() + docker("logs", "site").err())
				.contains("10.67.0.2]:");
			assertThat(run("nft", "list", "table", "ip", TABLE)).contains("dport " + port + " dnat to");
		}
		finally {
			run("ip", "link", "del", "bxr0");
			run("ip", "netns", "del", ns);
		}
		assertThat(httpGet(port)).isEqualTo("served by site\n");
		docker("rm", "-f", "site").assertOk();
		assertThat(run("nft", "list", "table", "ip", TABLE)).doesNotContain("dport " + port + " ");
	}

	@Test
	void udpPortsArePublished() throws Exception {
		Path echo = udpEcho();
		int port = freePort();
		docker("run", "-d", "--name", "echo", "-v", echo + ":/udpecho:ro", "-p", "127.0.0.1:" + port + ":5353/udp",
				"busybox", "/udpecho", "5353")
			.assertOk();
		assertThat(docker("port", "echo").assertOk().out()).isEqualTo("5353/udp -> 127.0.0.1:" + port + "\n");
		try (DatagramSocket s = new DatagramSocket()) {
			s.setSoTimeout(500);
			byte[] buf = new byte[64];
			for (int i = 0;; i++) {
				s.send(new DatagramPacket("ping".getBytes(), 4, InetAddress.getLoopbackAddress(), port));
				try {
					DatagramPacket reply = new DatagramPacket(buf, buf.length);
					s.receive(reply);
					assertThat(new String(buf, 0, reply.getLength(), StandardCharsets.US_ASCII)).isEqualTo("echo:ping");
					break;
				}
				catch (SocketTimeoutException ex) {
					assertThat(i).as("no UDP answer").isLessThan(20);
				}
			}
		}
	}

	@Test
	void hostModeSeesTheHostsInterfaces() throws Exception {
		List<String> host = Files.list(Path.of("/sys/class/net")).map((p) -> p.getFileName().toString()).sorted()
			.toList();
		List<String> seen = Arrays.stream(docker("run", "--rm", "--network", "host", "busybox", "ls",
				"/sys/class/net").assertOk().out().split("\\s+")).filter((s) -> !s.isEmpty()).sorted().toList();
		assertThat(seen).containsAll(host.stream().filter((n) -> !n.startsWith("vb")).toList());
	}

	@Test
	void afterEverythingIsRemovedNoVethBridgeOrRuleIsLeft() throws Exception {
		// The default network's bridge is made by its first container and stays, as docker0 does.
		docker("run", "--rm", "busybox", "true").assertOk();
		List<String> vethsBefore = links("veth");
		List<String> bridgesBefore = links("bridge");
		int rulesBefore = ruleCount();
		docker("network", "create", "one").assertOk();
		docker("network", "create", "two").assertOk();
		startWeb("a1", "one", "-p", freePort() + ":80");
		startWeb("a2", "two", "-p", "127.0.0.1:" + freePort() + ":80");
		docker("run", "-d", "--name", "a3", "busybox", "sleep", "600").assertOk();
		docker("network", "connect", "one", "a3").assertOk();
		docker("network", "connect", "two", "a3").assertOk();
		assertThat(links("veth").size()).isEqualTo(vethsBefore.size() + 5);
		assertThat(ruleCount()).isGreaterThan(rulesBefore);

		docker("rm", "-f", "a1", "a2", "a3").assertOk();
		docker("network", "rm", "one", "two").assertOk();
		assertThat(links("veth")).isEqualTo(vethsBefore);
		assertThat(links("bridge")).isEqualTo(bridgesBefore);
		assertThat(ruleCount()).isEqualTo(rulesBefore);
	}

	@Test
	void aDaemonKilledWithSigkillComesBackWithAddressesPortsAndNames() throws Exception {
		docker("network", "create", "durable").assertOk();
		int port = freePort();
		startWeb("keeper", "durable", "-p", port + ":80", "--network-alias", "kept");
		docker("run", "-d", "--name", "asker", "--network", "durable", "busybox", "sleep", "600").assertOk();
		String address = inspect("keeper", "{{(index .NetworkSettings.Networks \"durable\").IPAddress}}");

		this.daemon.kill9();
		this.daemon.launch();
		assertThat(inspect("keeper", "{{(index .NetworkSettings.Networks \"durable\").IPAddress}}"))
			.isEqualTo(address);
		assertThat(httpGet(port)).isEqualTo("served by keeper\n");
		assertThat(docker("exec", "asker", "sh", "-c", fetchByName("kept")).assertOk().out())
			.isEqualTo("served by keeper\n");
		assertThat(run("nft", "list", "table", "ip", TABLE)).contains("dport " + port + " dnat to " + address);
	}

	@Test
	void aStartingDaemonRemovesTheVethsAndRulesOfContainersThatDiedWhileItWasDown() throws Exception {
		docker("network", "create", "crashy").assertOk();
		List<String> before = links("veth");
		int port = freePort();
		startWeb("doomed", "crashy", "-p", port + ":80");
		List<String> during = links("veth");
		assertThat(during).hasSize(before.size() + 1);
		long init = Long.parseLong(inspect("doomed", "{{.State.Pid}}"));
		long monitor = ProcessHandle.of(init).orElseThrow().parent().orElseThrow().pid();

		// The daemon dies, and while it is down the container's monitor and processes die without cleaning up.
		this.daemon.kill9();
		ProcessHandle.of(monitor).orElseThrow().destroyForcibly();
		ProcessHandle.of(init).orElseThrow().destroyForcibly();
		Thread.sleep(500);
		assertThat(links("veth")).as("the killed monitor left its veth").hasSize(before.size() + 1);
		this.daemon.launch();

		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
		while (!links("veth").equals(before) && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(links("veth")).as("reconciled as the daemon starts").isEqualTo(before);
		assertThat(run("nft", "list", "table", "ip", TABLE)).doesNotContain("dport " + port + " ");
		awaitInspect("doomed", "{{.State.Status}}", "exited", 60);
		docker("rm", "doomed").assertOk();
		docker("network", "rm", "crashy").assertOk();
	}

	/** A busybox httpd that names itself, logging each client's address. */
	private void startWeb(String name, String network, String... more) {
		String[] args = new String[] { "run", "-d", "--name", name, "--network", network };
		String[] tail = new String[] { "busybox", "sh", "-c",
				"mkdir /www && echo 'served by " + name + "' > /www/index.html && exec httpd -f -vv -p 80 -h /www" };
		String[] all = new String[args.length + more.length + tail.length];
		System.arraycopy(args, 0, all, 0, args.length);
		System.arraycopy(more, 0, all, args.length, more.length);
		System.arraycopy(tail, 0, all, args.length + more.length, tail.length);
		docker(all).assertOk();
	}

	/** Resolves with busybox nslookup (its wget cannot resolve names) and fetches from the address found. */
	private static String fetchByName(String name) {
		return "ip=$(nslookup " + name + " | awk '/^Name:/{n=1} n && /^Address/{print $NF; exit}'); "
				+ "test -n \"$ip\" && wget -q -O - http://$ip/";
	}

	private int ruleCount() throws Exception {
		return (int) run("nft", "-a", "list", "table", "ip", TABLE).lines()
			.filter((l) -> l.contains("# handle") && !l.contains("chain ") && !l.contains("table "))
			.count();
	}

	private static List<String> links(String type) throws Exception {
		return run("ip", "-o", "link", "show", "type", type).lines()
			.map((l) -> l.split(":")[1].strip().split("@")[0])
			.sorted()
			.toList();
	}

	private static Path udpEcho() throws Exception {
		Path dir = Files.createTempDirectory("udpecho");
		Path src = dir.resolve("udpecho.c");
		try (var in = UserNetworkIT.class.getResourceAsStream("udpecho.c")) {
			Files.copy(in, src);
		}
		Path bin = dir.resolve("udpecho");
		String out = run("gcc", "-static", "-O2", "-o", bin.toString(), src.toString());
		assertThat(bin).as(out).exists();
		return bin;
	}

	private static int freePort() throws IOException {
		try (java.net.ServerSocket s = new java.net.ServerSocket()) {
			s.bind(new InetSocketAddress("127.0.0.1", 0));
			return s.getLocalPort();
		}
	}

	/** A plain HTTP/1.0 GET of the body, retried while the server in the container is still starting. */
	private static String httpGet(int port) throws Exception {
		IOException last = null;
		for (int i = 0; i < 50; i++) {
			try (Socket s = new Socket()) {
				s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
				s.setSoTimeout(5000);
				s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
				String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				int body = reply.indexOf("\r\n\r\n");
				if (body >= 0) {
					return reply.substring(body + 4);
				}
			}
			catch (IOException ex) {
				last = ex;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("no HTTP answer on 127.0.0.1:" + port, last);
	}

	private static String run(String... command) throws Exception {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		p.waitFor();
		return out;
	}

}
