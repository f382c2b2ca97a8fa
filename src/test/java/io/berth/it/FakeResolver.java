package io.berth.it;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An upstream resolver for tests on 127.0.0.1: it answers {@code outside.test} with 10.1.1.1 and NXDOMAIN for
 * everything else, and records what it was asked, so the embedded DNS's forwarding is tested without any query
 * leaving the machine.
 */
final class FakeResolver implements AutoCloseable {

	private final DatagramSocket socket;

	private final List<String> asked = new CopyOnWriteArrayList<>();

	private FakeResolver(DatagramSocket socket) {
		this.socket = socket;
	}

	static FakeResolver start() {
		try {
			FakeResolver r = new FakeResolver(new DatagramSocket(new InetSocketAddress("127.0.0.1", 0)));
			Thread t = new Thread(r::serve, "fake-resolver");
			t.setDaemon(true);
			t.start();
			return r;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	int port() {
		return this.socket.getLocalPort();
	}

	List<String> asked() {
		return this.asked;
	}

	private void serve() {
		byte[] buf = new byte[512];
		while (!this.socket.isClosed()) {
			try {
				DatagramPacket p = new DatagramPacket(buf, buf.length);
				this.socket.receive(p);
				byte[] reply = answer(buf, p.getLength());
				if (reply != null) {
					this.socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
				}
			}
			catch (IOException ex) {
				// Closed.
			}
		}
	}

	/** The reply to a one-question query: the question copied, and an A record for outside.test. */
	private byte[] answer(byte[] q, int len) {
		if (len < 17) {
			return null;
		}
		StringBuilder name = new StringBuilder();
		int i = 12;
		while (i < len && q[i] != 0) {
			int l = q[i] & 0xff;
			if (l > 63 || i + 1 + l > len) {
				return null;
			}
			name.append(name.isEmpty() ? "" : ".").append(new String(q, i + 1, l));
			i += 1 + l;
		}
		int questionEnd = i + 5;
		if (questionEnd > len) {
			return null;
		}
		int qtype = ((q[i + 1] & 0xff) << 8) | (q[i + 2] & 0xff);
		this.asked.add(name.toString().toLowerCase());
		boolean known = name.toString().equalsIgnoreCase("outside.test");
		boolean a = known && qtype == 1;
		ByteBuffer out = ByteBuffer.allocate(questionEnd + 16);
		out.put(q, 0, 2);
		out.putShort((short) (0x8180 | (known ? 0 : 3)));
		out.putShort((short) 1).putShort((short) (a ? 1 : 0)).putShort((short) 0).putShort((short) 0);
		out.put(q, 12, questionEnd - 12);
		if (a) {
			out.putShort((short) 0xc00c).putShort((short) 1).putShort((short) 1).putInt(60).putShort((short) 4);
			out.put(new byte[] { 10, 1, 1, 1 });
		}
		byte[] reply = new byte[out.position()];
		out.flip().get(reply);
		return reply;
	}

	@Override
	public void close() {
		this.socket.close();
	}

}
