package io.berth.network.dns;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Sends the queries the engine does not answer to the upstream servers, from the host's network namespace, and gives
 * their responses back. Each attempt has a UDP socket of its own, on a random port and with a random transaction ID,
 * connected to the one upstream asked, so a response is hard to forge and cannot come from elsewhere. Used only on
 * the {@link DnsLoop}'s thread.
 */
final class UpstreamForwarder {

	private static final Log logger = LogFactory.getLog(UpstreamForwarder.class);

	/** Where a response goes: back to the client that asked. */
	@FunctionalInterface
	interface Reply {

		void send(byte[] response);

	}

	private final Selector selector;

	private final long attemptNanos;

	private final int maxPending;

	private final SecureRandom random = new SecureRandom();

	private final Set<Forward> pending = new HashSet<>();

	/** Attempts in the order they time out, since every attempt waits as long; some may be over already. */
	private final ArrayDeque<Attempt> byDeadline = new ArrayDeque<>();

	private final ByteBuffer buffer = ByteBuffer.allocateDirect(DnsMessage.TCP_LIMIT);

	UpstreamForwarder(Selector selector, Duration attemptTimeout, int maxPending) {
		this.selector = selector;
		this.attemptNanos = attemptTimeout.toNanos();
		this.maxPending = maxPending;
	}

	/**
	 * Asks the upstreams in turn, each for one attempt's time, and replies with the first response that is not
	 * SERVFAIL or REFUSED (or with the last response if each was), or SERVFAIL if none answered.
	 * @param owner whose query this is, so that {@link #cancel} can drop it
	 */
	void forward(DnsMessage query, byte[] packet, int length, List<InetSocketAddress> upstreams, Object owner,
			Reply reply) {
		if (upstreams.isEmpty() || this.pending.size() >= this.maxPending) {
			reply.send(query.error(DnsMessage.SERVFAIL));
			return;
		}
		byte[] outgoing = Arrays.copyOf(packet, length);
		int id = this.random.nextInt(0x10000);
		DnsMessage.setId(outgoing, id);
		Forward forward = new Forward(query, outgoing, id, upstreams, owner, reply);
		this.pending.add(forward);
		forward.next(System.nanoTime());
	}

	/** How long until the next attempt times out; -1 if none is waiting. */
	long nanosToNextDeadline(long now) {
		Attempt first;
		while ((first = this.byDeadline.peek()) != null && first.isOver()) {
			this.byDeadline.poll();
		}
		return (first != null) ? Math.max(0, first.deadline - now) : -1;
	}

	/** Moves each attempt that has timed out on to the next upstream. */
	void expire(long now) {
		Attempt first;
		while ((first = this.byDeadline.peek()) != null && (first.isOver() || first.deadline - now <= 0)) {
			this.byDeadline.poll();
			if (!first.isOver()) {
				first.forward.next(now);
			}
		}
	}

	/** Drops the owner's queries without replying, since the socket to reply on is going. */
	void cancel(Object owner) {
		for (Forward forward : List.copyOf(this.pending)) {
			if (forward.owner == owner) {
				forward.finish();
			}
		}
	}

	void closeAll() {
		for (Forward forward : List.copyOf(this.pending)) {
			forward.finish();
		}
	}

	int pendingCount() {
		return this.pending.size();
	}

	/** One query on its way through the upstreams. */
	private final class Forward implements DnsLoop.Ready {

		private final DnsMessage query;

		private final byte[] outgoing;

		private final int id;

		private final List<InetSocketAddress> upstreams;

		private final Object owner;

		private final Reply reply;

		private int nextUpstream;

		private @Nullable InetSocketAddress asked;

		private @Nullable DatagramChannel channel;

		private byte @Nullable [] lastFailure;

		private @Nullable Attempt attempt;

		private boolean done;

		Forward(DnsMessage query, byte[] outgoing, int id, List<InetSocketAddress> upstreams, Object owner,
				Reply reply) {
			this.query = query;
			this.outgoing = outgoing;
			this.id = id;
			this.upstreams = upstreams;
			this.owner = owner;
			this.reply = reply;
		}

		/** Sends to the next upstream that takes the packet, or replies if there is none left. */
		void next(long now) {
			closeChannel();
			while (this.nextUpstream < this.upstreams.size()) {
				InetSocketAddress upstream = this.upstreams.get(this.nextUpstream++);
				try {
					send(upstream);
					this.attempt = new Attempt(this, now + UpstreamForwarder.this.attemptNanos);
					UpstreamForwarder.this.byDeadline.add(this.attempt);
					return;
				}
				catch (IOException ex) {
					logger.debug("cannot send a DNS query to " + upstream + ": " + ex);
					closeChannel();
				}
			}
			this.reply.send((this.lastFailure != null) ? this.lastFailure : this.query.error(DnsMessage.SERVFAIL));
			finish();
		}

		private void send(InetSocketAddress upstream) throws IOException {
			this.asked = upstream;
			this.channel = DatagramChannel.open((upstream.getAddress() instanceof Inet6Address)
					? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
			this.channel.configureBlocking(false);
			this.channel.connect(upstream);
			if (this.channel.write(ByteBuffer.wrap(this.outgoing)) != this.outgoing.length) {
				throw new IOException("the socket's buffer is full");
			}
			this.channel.register(UpstreamForwarder.this.selector, SelectionKey.OP_READ, this);
		}

		@Override
		public void ready(SelectionKey key) {
			ByteBuffer buffer = UpstreamForwarder.this.buffer;
			while (!this.done && key.isValid()) {
				buffer.clear();
				SocketAddress from;
				try {
					from = this.channel.receive(buffer);
				}
				catch (IOException ex) {
					// Such as ICMP port unreachable: this upstream is not serving, so the next one is asked now.
					logger.debug("DNS upstream " + this.asked + ": " + ex);
					next(System.nanoTime());
					return;
				}
				if (from == null) {
					return;
				}
				buffer.flip();
				byte[] response = new byte[buffer.remaining()];
				buffer.get(response);
				if (!from.equals(this.asked) || !DnsMessage.isResponse(response, response.length)
						|| DnsMessage.id(response) != this.id) {
					continue;
				}
				DnsMessage.setId(response, this.query.id());
				int rcode = DnsMessage.rcode(response);
				if ((rcode == DnsMessage.SERVFAIL || rcode == DnsMessage.REFUSED)
						&& this.nextUpstream < this.upstreams.size()) {
					this.lastFailure = response;
					next(System.nanoTime());
					return;
				}
				this.reply.send(response);
				finish();
			}
		}

		void finish() {
			this.done = true;
			closeChannel();
			UpstreamForwarder.this.pending.remove(this);
		}

		private void closeChannel() {
			if (this.channel != null) {
				try {
					this.channel.close();
				}
				catch (IOException ex) {
					logger.debug("closing a DNS upstream socket failed", ex);
				}
				this.channel = null;
			}
		}

	}

	/** The wait for one upstream's response; it is over once its query is done or has moved on. */
	private static final class Attempt {

		private final Forward forward;

		private final long deadline;

		Attempt(Forward forward, long deadline) {
			this.forward = forward;
			this.deadline = deadline;
		}

		boolean isOver() {
			return this.forward.done || this.forward.attempt != this;
		}

	}

}
