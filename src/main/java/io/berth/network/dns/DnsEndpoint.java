package io.berth.network.dns;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.berth.network.dns.DnsMessage.MalformedMessageException;
import io.berth.network.dns.DnsResolver.Answer;
import io.berth.network.dns.DnsResolver.Local;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One container's DNS server: its UDP and TCP sockets on 127.0.0.11:53, made in its network namespace, and the
 * answers to the queries on them. Used only on the {@link DnsLoop}'s thread, except for {@link #bind}.
 */
final class DnsEndpoint {

	private static final Log logger = LogFactory.getLog(DnsEndpoint.class);

	static final InetSocketAddress ADDRESS = new InetSocketAddress("127.0.0.11", 53);

	/** Enough for a container's resolver; beyond it the least recently used connection is dropped. */
	private static final int MAX_TCP_CONNECTIONS = 16;

	/** So that one busy container cannot keep the loop from the others. */
	private static final int DATAGRAMS_PER_WAKEUP = 64;

	/** The sockets, bound in the container's namespace before they are served. */
	record Sockets(DatagramChannel udp, ServerSocketChannel tcp) {

		void close() {
			closeQuietly(this.udp);
			closeQuietly(this.tcp);
		}

	}

	private final String key;

	private final Sockets sockets;

	private final DnsResolver resolver;

	private final List<InetSocketAddress> upstreams;

	private final Selector selector;

	private final UpstreamForwarder forwarder;

	/** One byte over the largest query accepted, so that a larger one shows by filling it. */
	private final ByteBuffer datagram = ByteBuffer.allocate(DnsMessage.EDNS_LIMIT + 1);

	/** In the order they were last active in, least recent first. */
	private final Set<TcpConnection> connections = new LinkedHashSet<>();

	DnsEndpoint(String key, Sockets sockets, DnsResolver resolver, List<InetSocketAddress> upstreams,
			Selector selector, UpstreamForwarder forwarder) {
		this.key = key;
		this.sockets = sockets;
		this.resolver = resolver;
		this.upstreams = upstreams;
		this.selector = selector;
		this.forwarder = forwarder;
	}

	/** Makes and binds the sockets in the calling thread's network namespace. */
	static Sockets bind() throws IOException {
		DatagramChannel udp = DatagramChannel.open(StandardProtocolFamily.INET);
		ServerSocketChannel tcp = null;
		try {
			udp.bind(ADDRESS);
			udp.configureBlocking(false);
			tcp = ServerSocketChannel.open(StandardProtocolFamily.INET);
			tcp.bind(ADDRESS, MAX_TCP_CONNECTIONS);
			tcp.configureBlocking(false);
			return new Sockets(udp, tcp);
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(udp);
			closeQuietly(tcp);
			throw ex;
		}
	}

	void register() throws IOException {
		this.sockets.udp().register(this.selector, SelectionKey.OP_READ, (DnsLoop.Ready) this::readDatagrams);
		this.sockets.tcp().register(this.selector, SelectionKey.OP_ACCEPT, (DnsLoop.Ready) this::accept);
	}

	/**
	 * Closes the sockets and drops the queries still upstream. The file descriptors go at the selector's next
	 * selection, which the caller makes at once, as an open socket keeps the container's namespace alive.
	 */
	void close() {
		this.forwarder.cancel(this);
		for (TcpConnection connection : List.copyOf(this.connections)) {
			connection.close();
		}
		this.sockets.close();
	}

	private void readDatagrams(SelectionKey key) throws IOException {
		DatagramChannel udp = this.sockets.udp();
		for (int i = 0; i < DATAGRAMS_PER_WAKEUP; i++) {
			this.datagram.clear();
			SocketAddress client = udp.receive(this.datagram);
			if (client == null) {
				return;
			}
			int length = this.datagram.position();
			if (length > DnsMessage.EDNS_LIMIT) {
				continue;
			}
			byte[] packet = Arrays.copyOf(this.datagram.array(), length);
			answer(packet, true, (response) -> sendDatagram(response, client));
		}
	}

	private void sendDatagram(byte[] response, SocketAddress client) {
		DatagramChannel udp = this.sockets.udp();
		if (!udp.isOpen()) {
			return;
		}
		try {
			udp.send(ByteBuffer.wrap(response), client);
		}
		catch (IOException ex) {
			logger.debug("cannot send a DNS response to " + client + " in " + this.key + ": " + ex);
		}
	}

	/**
	 * Answers the query from the resolver, or has it forwarded.
	 * @return whether a response has been, or will be, sent: a packet that is dropped gets none
	 */
	private boolean answer(byte[] packet, boolean overUdp, UpstreamForwarder.Reply reply) {
		int length = packet.length;
		boolean oversized = overUdp && length > DnsMessage.UDP_LIMIT;
		DnsMessage query;
		try {
			query = DnsMessage.parseQuery(packet, length);
		}
		catch (MalformedMessageException ex) {
			logger.debug("malformed DNS query in " + this.key + ": " + ex.getMessage());
			Optional<byte[]> response = oversized ? Optional.empty()
					: DnsMessage.headerOnlyResponse(packet, length, ex.rcode());
			response.ifPresent(reply::send);
			return response.isPresent();
		}
		if (oversized && !query.edns()) {
			return false;
		}
		byte @Nullable [] local;
		try {
			local = answerLocally(query, overUdp ? query.udpLimit() : DnsMessage.TCP_LIMIT);
		}
		catch (RuntimeException ex) {
			logger.warn("cannot answer " + query + " in " + this.key + ": " + ex, ex);
			local = query.error(DnsMessage.SERVFAIL);
		}
		if (local != null) {
			reply.send(local);
		}
		else {
			this.forwarder.forward(query, packet, length, this.upstreams, this, reply);
		}
		return true;
	}

	/** The engine's response, or null if the query is for the upstreams. */
	private byte @Nullable [] answerLocally(DnsMessage query, int limit) {
		if (query.questionClass() != DnsMessage.CLASS_IN) {
			return null;
		}
		if (query.type() == DnsMessage.TYPE_PTR) {
			Optional<Inet4Address> address = DnsMessage.reverseAddress(query.name());
			if (address.isPresent()) {
				Optional<String> name = this.resolver.reverse(address.get());
				return name.isPresent() ? query.pointerAnswer(name.get(), limit) : null;
			}
		}
		Answer answer = this.resolver.resolve(query.name());
		if (!(answer instanceof Local local)) {
			return null;
		}
		if (query.type() == DnsMessage.TYPE_A || query.type() == DnsMessage.TYPE_ANY) {
			return query.addressAnswer(local.addresses(), limit);
		}
		// The name is the engine's: asking upstream for its other types could only get an NXDOMAIN that hides it.
		return query.noData();
	}

	private void accept(SelectionKey key) throws IOException {
		SocketChannel channel;
		while ((channel = this.sockets.tcp().accept()) != null) {
			if (this.connections.size() >= MAX_TCP_CONNECTIONS) {
				this.connections.iterator().next().close();
			}
			channel.configureBlocking(false);
			TcpConnection connection = new TcpConnection(channel);
			connection.key = channel.register(this.selector, SelectionKey.OP_READ, connection);
			this.connections.add(connection);
		}
	}

	private static void closeQuietly(@Nullable Channel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				logger.debug("closing a DNS socket failed", ex);
			}
		}
	}

	/** A client over TCP: queries and responses each prefixed by their length, several on one connection. */
	private final class TcpConnection implements DnsLoop.Ready {

		private final SocketChannel channel;

		private final ByteBuffer in = ByteBuffer.allocate(2 + DnsMessage.EDNS_LIMIT);

		private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();

		private @Nullable SelectionKey key;

		/** Responses still to come, so that a client that half-closes after its query still gets them. */
		private int waiting;

		private boolean endOfInput;

		TcpConnection(SocketChannel channel) {
			this.channel = channel;
		}

		@Override
		public void ready(SelectionKey key) {
			DnsEndpoint.this.connections.remove(this);
			DnsEndpoint.this.connections.add(this);
			try {
				if (key.isWritable()) {
					flush();
				}
				if (key.isValid() && key.isReadable()) {
					read();
				}
			}
			catch (IOException ex) {
				close();
			}
		}

		private void read() throws IOException {
			if (this.channel.read(this.in) < 0) {
				this.endOfInput = true;
				this.key.interestOps(this.key.interestOps() & ~SelectionKey.OP_READ);
				closeIfDone();
				return;
			}
			this.in.flip();
			while (this.in.remaining() >= 2) {
				int length = this.in.getShort(this.in.position()) & 0xffff;
				if (length > DnsMessage.EDNS_LIMIT) {
					close();
					return;
				}
				if (this.in.remaining() < 2 + length) {
					break;
				}
				this.in.position(this.in.position() + 2);
				byte[] packet = new byte[length];
				this.in.get(packet);
				this.waiting++;
				if (!answer(packet, false, this::reply)) {
					this.waiting--;
				}
			}
			this.in.compact();
		}

		private void reply(byte[] response) {
			this.waiting--;
			if (!this.channel.isOpen()) {
				return;
			}
			ByteBuffer framed = ByteBuffer.allocate(2 + response.length);
			framed.putShort((short) response.length).put(response).flip();
			this.out.add(framed);
			try {
				flush();
			}
			catch (IOException ex) {
				close();
			}
		}

		private void flush() throws IOException {
			while (!this.out.isEmpty()) {
				ByteBuffer next = this.out.peek();
				this.channel.write(next);
				if (next.hasRemaining()) {
					break;
				}
				this.out.poll();
			}
			if (this.key.isValid()) {
				int ops = this.key.interestOps();
				this.key.interestOps(
						this.out.isEmpty() ? (ops & ~SelectionKey.OP_WRITE) : (ops | SelectionKey.OP_WRITE));
			}
			closeIfDone();
		}

		private void closeIfDone() {
			if (this.endOfInput && this.waiting <= 0 && this.out.isEmpty()) {
				close();
			}
		}

		void close() {
			DnsEndpoint.this.connections.remove(this);
			closeQuietly(this.channel);
		}

	}

}
