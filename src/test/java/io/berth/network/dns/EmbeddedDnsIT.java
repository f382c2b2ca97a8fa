package io.berth.network.dns;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import io.berth.network.dns.DnsMessageTests.Query;
import io.berth.network.dns.DnsMessageTests.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.berth.network.dns.DnsMessageTests.ip;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The embedded DNS server in a real network namespace, queried by real clients inside it (busybox's nslookup, and
 * raw packets from Python), with a fake upstream server in the host's namespace. Needs root, as the daemon does.
 */
class EmbeddedDnsIT {

	/** Sends each hex-encoded query to 127.0.0.11:53 and prints each response in hex, or why there was none. */
	private static final String CLIENT = """
			import binascii, socket, sys
			def recvall(s, n):
			    b = b''
			    while len(b) < n:
			        c = s.recv(n - len(b))
			        if not c:
			            raise OSError('closed')
			        b += c
			    return b
			proto, timeout = sys.argv[1], float(sys.argv[2])
			for h in sys.argv[3:]:
			    q = binascii.unhexlify(h)
			    s = None
			    try:
			        if proto == 'udp':
			            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
			            s.settimeout(timeout)
			            s.sendto(q, ('127.0.0.11', 53))
			            r = s.recv(65535)
			        else:
			            s = socket.create_connection(('127.0.0.11', 53), timeout=timeout)
			            s.sendall(len(q).to_bytes(2, 'big') + q)
			            r = recvall(s, int.from_bytes(recvall(s, 2), 'big'))
			        print(binascii.hexlify(r).decode(), flush=True)
			    except socket.timeout:
			        print('timeout', flush=True)
			    except OSError as e:
			        print('error', e, flush=True)
			    finally:
			        if s:
			            s.close()
			""";

	private static final Inet4Address WEB = ip("10.9.8.7");

	private static final Inet4Address OUTSIDE = ip("10.1.1.1");

	/** The names the engine knows here, as a network's containers and aliases would be. */
	private static final DnsResolver RESOLVER = new DnsResolver() {

		@Override
		public Answer resolve(String name) {
			return switch (name) {
				case "web", "alias1" -> Answer.local(List.of(WEB));
				case "nov4" -> Answer.local(List.of());
				default -> Answer.forward();
			};
		}

		@Override
		public Optional<String> reverse(Inet4Address address) {
			return address.equals(WEB) ? Optional.of("web") : Optional.empty();
		}

	};

	private final String netns = "berth-dns-it-" + UUID.randomUUID().toString().substring(0, 8);

	private final List<String> extraNamespaces = new ArrayList<>();

	private final EmbeddedDns dns = new EmbeddedDns();

	private FakeUpstream upstream;

	@BeforeEach
	void makeNamespace() throws Exception {
		addNamespace(this.netns);
		this.upstream = new FakeUpstream();
	}

	@AfterEach
	void removeNamespace() throws Exception {
		this.dns.destroy();
		this.upstream.close();
		for (String ns : this.extraNamespaces) {
			run("ip", "netns", "del", ns);
			deleteTree(Path.of("/etc/netns", ns));
		}
	}

	@Test
	void busyboxNslookupResolvesContainerNamesAndForwardsTheRest() throws Exception {
		this.dns.open("c1", netnsPath(), RESOLVER, List.of(this.upstream.address()));

		Result web = inside("busybox", "nslookup", "web", "127.0.0.11");
		assertThat(web.code()).as(web.out()).isZero();
		assertThat(web.out()).contains("Server:\t\t127.0.0.11")
			.containsPattern("Name:\\s+web\\nAddress:\\s+10\\.9\\.8\\.7");

		Result alias = inside("busybox", "nslookup", "alias1", "127.0.0.11");
		assertThat(alias.out()).containsPattern("Name:\\s+alias1\\nAddress:\\s+10\\.9\\.8\\.7");

		Result upper = inside("busybox", "nslookup", "WEB.", "127.0.0.11");
		assertThat(upper.out()).contains("10.9.8.7");

		Result outside = inside("busybox", "nslookup", "outside.test", "127.0.0.11");
		assertThat(outside.code()).as(outside.out()).isZero();
		assertThat(outside.out()).containsPattern("Name:\\s+outside\\.test\\nAddress:\\s+10\\.1\\.1\\.1");

		Result unknown = inside("busybox", "nslookup", "nosuch.test", "127.0.0.11");
		assertThat(unknown.code()).isNotZero();
		assertThat(unknown.out()).contains("NXDOMAIN").doesNotContain("Name:");

		Result reverse = inside("busybox", "nslookup", "10.9.8.7", "127.0.0.11");
		assertThat(reverse.out()).contains("7.8.9.10.in-addr.arpa").contains("name = web");

		// The engine's own names never reach the upstream.
		assertThat(this.upstream.names()).contains("outside.test", "nosuch.test").doesNotContain("web", "alias1");
	}

	@Test
	void rawQueriesGetTheRightResponses() throws Exception {
		this.dns.open("c1", netnsPath(), RESOLVER, List.of(this.upstream.address()));
		List<Response> r = udp(3, new Query(0x1001, "web"), new Query(0x1002, "WEB"),
				new Query(0x1003, "web").type(DnsMessage.TYPE_AAAA), new Query(0x1004, "nov4"),
				new Query(0x1005, "outside.test"), new Query(0x1006, "nosuch.test"),
				new Query(0x1007, "7.8.9.10.in-addr.arpa").type(DnsMessage.TYPE_PTR),
				new Query(0x1008, "web").opt(1232));

		assertA(r.get(0), 0x1001, "web", WEB);
		assertThat(r.get(0).authoritative).isTrue();
		assertThat(r.get(0).answers.get(0).ttl()).isEqualTo(600);
		assertA(r.get(1), 0x1002, "WEB", WEB);
		// A name of the engine's without records of the type asked: no answer, but not NXDOMAIN either.
		assertThat(r.get(2).rcode).isEqualTo(DnsMessage.NOERROR);
		assertThat(r.get(2).answers).isEmpty();
		assertThat(r.get(3).rcode).isEqualTo(DnsMessage.NOERROR);
		assertThat(r.get(3).answers).isEmpty();
		// Forwarded, and given back under the client's own ID.
		assertA(r.get(4), 0x1005, "outside.test", OUTSIDE);
		assertThat(r.get(4).authoritative).isFalse();
		assertThat(r.get(5).id).isEqualTo(0x1006);
		assertThat(r.get(5).rcode).isEqualTo(DnsMessage.NXDOMAIN);
		assertThat(r.get(6).id).isEqualTo(0x1007);
		assertThat(r.get(6).answers).singleElement().satisfies((a) -> {
			assertThat(a.type()).isEqualTo(DnsMessage.TYPE_PTR);
			assertThat(a.text()).isEqualTo("web");
		});
		assertA(r.get(7), 0x1008, "web", WEB);
		assertThat(r.get(7).optSize).isEqualTo(4096);

		assertThat(this.upstream.names()).containsExactly("outside.test", "nosuch.test");
	}

	@Test
	void queriesOverTcpAreAnswered() throws Exception {
		this.dns.open("c1", netnsPath(), RESOLVER, List.of(this.upstream.address()));
		List<String> out = client("tcp", 3, new Query(0x2001, "web").build(),
				new Query(0x2002, "outside.test").build());
		assertA(Response.read(HexFormat.of().parseHex(out.get(0))), 0x2001, "web", WEB);
		assertA(Response.read(HexFormat.of().parseHex(out.get(1))), 0x2002, "outside.test", OUTSIDE);
	}

	@Test
	void malformedPacketsDoNotStopTheServer() throws Exception {
		this.dns.open("c1", netnsPath(), RESOLVER, List.of(this.upstream.address()));
		byte[] longLabel = new Query(0x3001, "web").build();
		longLabel[12] = 64;
		byte[] loop = new Query(0x3002, "web").additional(new byte[] { (byte) 0xc0, 21 }, 1, 1, new byte[4]).build();
		byte[] shortHeader = new byte[] { 0x30, 0x03, 0x01, 0x00, 0 };
		byte[] noQuestion = new byte[12];
		noQuestion[0] = 0x30;
		noQuestion[1] = 0x04;
		byte[] cut = new Query(0x3005, "outside.test").build();
		cut = Arrays.copyOf(cut, cut.length - 3);
		byte[] big = new Query(0x3006, "web").build();
		big = Arrays.copyOf(big, 600);

		List<String> out = client("udp", 1.5, longLabel, loop, shortHeader, noQuestion, cut, big,
				new Query(0x3007, "web").build());
		assertFormErr(out.get(0), 0x3001);
		assertFormErr(out.get(1), 0x3002);
		assertThat(out.get(2)).isEqualTo("timeout");
		assertFormErr(out.get(3), 0x3004);
		assertFormErr(out.get(4), 0x3005);
		// Over 512 bytes without EDNS: not a query any client makes, so it is dropped.
		assertThat(out.get(5)).isEqualTo("timeout");
		assertA(Response.read(HexFormat.of().parseHex(out.get(6))), 0x3007, "web", WEB);
		assertThat(this.upstream.names()).isEmpty();
	}

	@Test
	void withoutUpstreamsOtherNamesGetServfail() throws Exception {
		this.dns.open("c1", netnsPath(), RESOLVER, List.of());
		List<Response> r = udp(3, new Query(0x4001, "outside.test"), new Query(0x4002, "web"));
		assertThat(r.get(0).id).isEqualTo(0x4001);
		assertThat(r.get(0).rcode).isEqualTo(DnsMessage.SERVFAIL);
		assertA(r.get(1), 0x4002, "web", WEB);
	}

	@Test
	void aSilentUpstreamIsPassedOverAndNoAnswerGivesServfail() throws Exception {
		try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
			InetSocketAddress silentAddress = (InetSocketAddress) silent.getLocalSocketAddress();
			this.dns.open("c1", netnsPath(), RESOLVER, List.of(silentAddress, this.upstream.address()));
			long start = System.nanoTime();
			List<Response> r = udp(5, new Query(0x5001, "outside.test"));
			assertA(r.get(0), 0x5001, "outside.test", OUTSIDE);
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(1900);

			this.dns.open("c1", netnsPath(), RESOLVER, List.of(silentAddress));
			List<Response> none = udp(5, new Query(0x5002, "outside.test"));
			assertThat(none.get(0).id).isEqualTo(0x5002);
			assertThat(none.get(0).rcode).isEqualTo(DnsMessage.SERVFAIL);
		}
	}

	@Test
	void queriesBeyondThePendingCapGetServfailAtOnce() throws Exception {
		EmbeddedDns capped = new EmbeddedDns(Duration.ofSeconds(5), 1);
		try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
			capped.open("c1", netnsPath(), RESOLVER, List.of((InetSocketAddress) silent.getLocalSocketAddress()));
			List<String> out = client("udp", 0.5, new Query(0x6001, "outside.test").build(),
					new Query(0x6002, "other.test").build(), new Query(0x6003, "web").build());
			// The first waits on the silent upstream; the second finds no room; local names need none.
			assertThat(out.get(0)).isEqualTo("timeout");
			Response full = Response.read(HexFormat.of().parseHex(out.get(1)));
			assertThat(full.id).isEqualTo(0x6002);
			assertThat(full.rcode).isEqualTo(DnsMessage.SERVFAIL);
			assertA(Response.read(HexFormat.of().parseHex(out.get(2))), 0x6003, "web", WEB);
		}
		finally {
			capped.destroy();
		}
	}

	@Test
	void reopeningAKeyReplacesItsResolver() throws Exception {
		this.dns.open("c1", netnsPath(), RESOLVER, List.of());
		Inet4Address moved = ip("10.9.8.99");
		EmbeddedDns.Registration second = this.dns.open("c1", netnsPath(),
				(name) -> name.equals("web") ? DnsResolver.Answer.local(List.of(moved)) : DnsResolver.Answer.forward(),
				List.of());
		assertA(udp(3, new Query(1, "web")).get(0), 1, "web", moved);
		assertThat(second.key()).isEqualTo("c1");

		// Each container has its own names, at the same address in its own namespace.
		String other = "berth-dns-it-" + UUID.randomUUID().toString().substring(0, 8);
		addNamespace(other);
		this.dns.open("c2", Path.of("/run/netns", other), RESOLVER, List.of());
		assertA(Response.read(HexFormat.of().parseHex(client(other, "udp", 3, new Query(2, "web").build()).get(0))), 2,
				"web", WEB);
		assertA(udp(3, new Query(3, "web")).get(0), 3, "web", moved);
	}

	@Test
	void closeReleasesTheSocketsAndTheNamespace() throws Exception {
		// A veth with one end inside: it goes when the namespace does, which is what a container's removal waits on.
		String hostEnd = "bdt" + this.netns.substring(this.netns.length() - 8);
		Result veth = run("ip", "link", "add", hostEnd, "type", "veth", "peer", "name", "eth9", "netns", this.netns);
		assertThat(veth.code()).as(veth.out()).isZero();
		EmbeddedDns.Registration registration = this.dns.open("c1", netnsPath(), RESOLVER, List.of());
		assertThat(listening("udp")).isTrue();
		assertThat(listening("tcp")).isTrue();

		// While the socket is open it holds the namespace, even with its name gone.
		run("ip", "netns", "del", this.netns);
		Thread.sleep(1000);
		assertThat(run("ip", "link", "show", hostEnd).code()).isZero();

		registration.close();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (run("ip", "link", "show", hostEnd).code() == 0 && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(run("ip", "link", "show", hostEnd).code()).as("the host end of the veth after close").isNotZero();
	}

	@Test
	void closeStopsServingAndEveryThreadStaysInTheHostNamespace() throws Exception {
		String hostNamespace = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
		this.dns.open("c1", netnsPath(), RESOLVER, List.of(this.upstream.address()));
		assertA(udp(3, new Query(1, "outside.test")).get(0), 1, "outside.test", OUTSIDE);
		assertThat(listening("udp")).isTrue();

		this.dns.close("c1");
		assertThat(listening("udp")).isFalse();
		assertThat(listening("tcp")).isFalse();
		assertThat(client("udp", 1, new Query(2, "web").build())).singleElement()
			.satisfies((line) -> assertThat(line).matches("timeout|error.*"));
		assertThat(inside("busybox", "nslookup", "web", "127.0.0.11").code()).isNotZero();
		// Closing again, or a key never opened, is nothing.
		this.dns.close("c1");
		this.dns.close("never");

		// Every thread of this JVM, the server's own among them, is in the host's namespace, and the one that went
		// into the container's has ended.
		Map<String, String> threads = new HashMap<>();
		try (var tasks = Files.list(Path.of("/proc/self/task"))) {
			for (Path task : (Iterable<Path>) tasks::iterator) {
				try {
					threads.put(Files.readString(task.resolve("comm")).strip() + "/" + task.getFileName(),
							Files.readSymbolicLink(task.resolve("ns/net")).toString());
				}
				catch (IOException ex) {
					// The thread ended while being listed.
				}
			}
		}
		assertThat(threads.keySet()).anyMatch((name) -> name.startsWith("berth-dns/"));
		assertThat(threads.keySet()).noneMatch((name) -> name.startsWith("berth-dns-netns/"));
		assertThat(threads).allSatisfy((name, ns) -> assertThat(ns).as(name).isEqualTo(hostNamespace));

		// And this thread can still serve the host: a shell in the host's namespace reaches it on loopback.
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			Thread accept = new Thread(() -> {
				try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
					out.write("host\n".getBytes(StandardCharsets.US_ASCII));
				}
				catch (IOException ex) {
					// The assertion below fails instead.
				}
			});
			accept.start();
			Result reached = run("python3", "-c", "import socket; s = socket.create_connection(('127.0.0.1', "
					+ server.getLocalPort() + "), timeout=5); print(s.recv(100).decode().strip())");
			accept.join(5000);
			assertThat(reached.out().strip()).isEqualTo("host");
		}
	}

	private static void assertA(Response r, int id, String question, Inet4Address address) {
		assertThat(r.id).isEqualTo(id);
		assertThat(r.isResponse).isTrue();
		assertThat(r.rcode).isEqualTo(DnsMessage.NOERROR);
		assertThat(r.question).isEqualTo(question);
		assertThat(r.answers).singleElement().satisfies((a) -> {
			assertThat(a.type()).isEqualTo(DnsMessage.TYPE_A);
			assertThat(a.text()).isEqualTo(address.getHostAddress());
		});
	}

	private static void assertFormErr(String line, int id) {
		assertThat(line).isNotEqualTo("timeout").doesNotStartWith("error");
		Response r = Response.read(HexFormat.of().parseHex(line));
		assertThat(r.id).isEqualTo(id);
		assertThat(r.rcode).isEqualTo(DnsMessage.FORMERR);
	}

	private Path netnsPath() {
		return Path.of("/run/netns", this.netns);
	}

	private void addNamespace(String name) throws Exception {
		this.extraNamespaces.add(name);
		Result add = run("ip", "netns", "add", name);
		assertThat(add.code()).as(add.out()).isZero();
		assertThat(run("ip", "-n", name, "link", "set", "lo", "up").code()).isZero();
		// Inside, "ip netns exec" puts this over /etc/resolv.conf, so clients use no search domains of the host's.
		Files.createDirectories(Path.of("/etc/netns", name));
		Files.writeString(Path.of("/etc/netns", name, "resolv.conf"), "nameserver 127.0.0.11\n");
	}

	/** Whether something in the namespace listens on 127.0.0.11:53, from the kernel's socket table there. */
	private boolean listening(String protocol) throws Exception {
		Result table = inside("cat", "/proc/net/" + protocol);
		assertThat(table.code()).as(table.out()).isZero();
		return table.out().contains(" 0B00007F:0035 ");
	}

	private List<Response> udp(double timeout, Query... queries) throws Exception {
		byte[][] packets = new byte[queries.length][];
		for (int i = 0; i < queries.length; i++) {
			packets[i] = queries[i].build();
		}
		List<Response> responses = new ArrayList<>();
		for (String line : client("udp", timeout, packets)) {
			assertThat(line).isNotEqualTo("timeout").doesNotStartWith("error");
			responses.add(Response.read(HexFormat.of().parseHex(line)));
		}
		return responses;
	}

	private List<String> client(String protocol, double timeout, byte[]... packets) throws Exception {
		return client(this.netns, protocol, timeout, packets);
	}

	private static List<String> client(String netns, String protocol, double timeout, byte[]... packets)
			throws Exception {
		List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns, "python3", "-c", CLIENT,
				protocol, Double.toString(timeout)));
		for (byte[] packet : packets) {
			command.add(HexFormat.of().formatHex(packet));
		}
		Result result = run(command.toArray(String[]::new));
		assertThat(result.code()).as(result.out()).isZero();
		List<String> lines = result.out().lines().toList();
		assertThat(lines).as(result.out()).hasSize(packets.length);
		return lines;
	}

	private Result inside(String... command) throws Exception {
		List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", this.netns));
		full.addAll(List.of(command));
		return run(full.toArray(String[]::new));
	}

	record Result(int code, String out) {

	}

	private static Result run(String... command) throws Exception {
		Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
		p.getOutputStream().close();
		byte[] out;
		try (InputStream in = p.getInputStream()) {
			out = in.readAllBytes();
		}
		if (!p.waitFor(60, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			throw new AssertionError(String.join(" ", command) + " did not finish");
		}
		return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
	}

	private static void deleteTree(Path dir) throws IOException {
		if (Files.isDirectory(dir)) {
			try (var entries = Files.list(dir)) {
				for (Path entry : (Iterable<Path>) entries::iterator) {
					Files.delete(entry);
				}
			}
			Files.delete(dir);
		}
	}

	/**
	 * An upstream server on the host's loopback: {@code outside.test} is 10.1.1.1 and every other name is NXDOMAIN.
	 * It records the names it was asked.
	 */
	private static final class FakeUpstream implements AutoCloseable {

		private final DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));

		private final Queue<String> names = new ConcurrentLinkedQueue<>();

		private final Thread thread = new Thread(this::serve, "fake-upstream");

		FakeUpstream() throws SocketException {
			this.thread.setDaemon(true);
			this.thread.start();
		}

		InetSocketAddress address() {
			return (InetSocketAddress) this.socket.getLocalSocketAddress();
		}

		List<String> names() {
			return List.copyOf(this.names);
		}

		private void serve() {
			byte[] buffer = new byte[4096];
			while (!this.socket.isClosed()) {
				DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
				try {
					this.socket.receive(packet);
					byte[] response = answer(Arrays.copyOf(packet.getData(), packet.getLength()));
					this.socket.send(new DatagramPacket(response, response.length, packet.getSocketAddress()));
				}
				catch (IOException | RuntimeException ex) {
					// Closed, or a packet this fake does not understand.
				}
			}
		}

		private byte[] answer(byte[] query) {
			ByteBuffer in = ByteBuffer.wrap(query);
			in.position(12);
			StringBuilder name = new StringBuilder();
			for (int len = in.get(); len != 0; len = in.get()) {
				byte[] label = new byte[len];
				in.get(label);
				name.append(name.length() > 0 ? "." : "").append(new String(label, StandardCharsets.US_ASCII));
			}
			int questionEnd = in.position() + 4;
			String asked = name.toString().toLowerCase(Locale.ROOT);
			this.names.add(asked);
			boolean known = asked.equals("outside.test");
			ByteBuffer out = ByteBuffer.allocate(questionEnd + 16);
			out.putShort(in.getShort(0));
			out.putShort((short) (0x8180 | (known ? 0 : DnsMessage.NXDOMAIN)));
			out.putShort((short) 1).putShort((short) (known ? 1 : 0)).putShort((short) 0).putShort((short) 0);
			out.put(query, 12, questionEnd - 12);
			if (known) {
				out.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4);
				out.put(OUTSIDE.getAddress());
			}
			return Arrays.copyOf(out.array(), out.position());
		}

		@Override
		public void close() {
			this.socket.close();
		}

	}

}
