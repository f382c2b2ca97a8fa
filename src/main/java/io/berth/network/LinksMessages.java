package io.berth.network;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.berth.error.SystemException;

/**
 * The rtnetlink messages {@link Links} sends and the replies it reads, in the kernel's native byte order. They are
 * kept apart from the socket so their layout can be checked without one.
 */
final class LinksMessages {

	static final int NLMSG_HDRLEN = 16;

	static final int IFINFOMSG_LEN = 16;

	static final int NLMSG_NOOP = 1;

	static final int NLMSG_ERROR = 2;

	static final int NLMSG_DONE = 3;

	static final int NLMSG_OVERRUN = 4;

	static final int RTM_NEWLINK = 16;

	static final int RTM_DELLINK = 17;

	static final int RTM_GETLINK = 18;

	static final int NLM_F_REQUEST = 0x1;

	static final int NLM_F_MULTI = 0x2;

	static final int NLM_F_ACK = 0x4;

	static final int NLM_F_DUMP_INTR = 0x10;

	static final int NLM_F_DUMP = 0x300;

	static final int IFLA_IFNAME = 3;

	static final int IFLA_MASTER = 10;

	static final int IFLA_LINKINFO = 18;

	static final int IFLA_EXT_MASK = 29;

	static final int IFLA_INFO_KIND = 1;

	/** Leaves the counters out of each link's reply: they are most of its bytes and the daemon never reads them. */
	static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

	static final int IFF_UP = 0x1;

	/** {@code IFNAMSIZ} less the terminating NUL. */
	static final int MAX_NAME_BYTES = 15;

	/** The attribute type without {@code NLA_F_NESTED} and {@code NLA_F_NET_BYTEORDER}. */
	private static final int NLA_TYPE_MASK = 0x3fff;

	private static final ByteOrder ORDER = ByteOrder.nativeOrder();

	private LinksMessages() {
	}

	/**
	 * Refuses a name the kernel would refuse ({@code dev_valid_name}), so a bad one is the caller's error rather than
	 * an errno, and no name can reach the kernel truncated.
	 */
	static void checkName(String name) {
		if (name == null || name.isEmpty() || name.equals(".") || name.equals("..")
				|| name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES
				|| name.chars().anyMatch((c) -> c == '/' || c == ':' || c == 0 || Character.isWhitespace(c))) {
			throw new IllegalArgumentException("invalid network interface name '" + name
					+ "': it must be 1 to 15 bytes, not '.' or '..', without '/', ':' or whitespace");
		}
	}

	/** An {@code RTM_GETLINK} dump of every interface in the namespace. */
	static byte[] dumpLinks(int seq) {
		ByteBuffer b = message(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq, 8);
		ifinfomsg(b);
		putU32Attribute(b, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
		return finish(b);
	}

	/** An {@code RTM_DELLINK} of the named interface, asking for an acknowledgement. */
	static byte[] deleteLink(int seq, String name) {
		checkName(name);
		byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
		ByteBuffer b = message(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, seq, align(4 + bytes.length + 1));
		ifinfomsg(b);
		putAttribute(b, IFLA_IFNAME, bytes, true);
		return finish(b);
	}

	static int align(int length) {
		return (length + 3) & ~3;
	}

	private static ByteBuffer message(int type, int flags, int seq, int attributes) {
		ByteBuffer b = ByteBuffer.allocate(NLMSG_HDRLEN + IFINFOMSG_LEN + attributes).order(ORDER);
		b.putInt(0); // nlmsg_len, set by finish
		b.putShort((short) type);
		b.putShort((short) flags);
		b.putInt(seq);
		b.putInt(0); // nlmsg_pid: the kernel fills in this socket's port
		return b;
	}

	/** An all-zero {@code ifinfomsg}: any family, no index, so that only the attributes select. */
	private static void ifinfomsg(ByteBuffer b) {
		b.put(new byte[IFINFOMSG_LEN]);
	}

	private static void putU32Attribute(ByteBuffer b, int type, int value) {
		b.putShort((short) 8);
		b.putShort((short) type);
		b.putInt(value);
	}

	private static void putAttribute(ByteBuffer b, int type, byte[] value, boolean nulTerminated) {
		int length = 4 + value.length + (nulTerminated ? 1 : 0);
		b.putShort((short) length);
		b.putShort((short) type);
		b.put(value);
		b.position(b.position() + align(length) - 4 - value.length);
	}

	private static byte[] finish(ByteBuffer b) {
		b.putInt(0, b.position());
		byte[] out = new byte[b.position()];
		b.get(0, out);
		return out;
	}

	/**
	 * The replies to one request, read a datagram at a time until the kernel says it has finished: with
	 * {@code NLMSG_DONE} after a dump, or with {@code NLMSG_ERROR}, which carries 0 as an acknowledgement. Messages
	 * of another sequence number are not this request's and are skipped.
	 */
	static final class Replies {

		private final int seq;

		private final List<Link> links = new ArrayList<>();

		private boolean finished;

		private int errno;

		private boolean interrupted;

		Replies(int seq) {
			this.seq = seq;
		}

		/** Whether the kernel has said its last word on the request. */
		boolean finished() {
			return this.finished;
		}

		/** The request's errno once finished; 0 when it succeeded. */
		int errno() {
			return this.errno;
		}

		/** Whether the interfaces changed during the dump, so that it may have missed or repeated one. */
		boolean interrupted() {
			return this.interrupted;
		}

		/** The interfaces of a dump, in the kernel's order. */
		List<Link> links() {
			return this.links;
		}

		void read(byte[] datagram, int length) {
			ByteBuffer b = ByteBuffer.wrap(datagram, 0, length).order(ORDER);
			int at = 0;
			while (!this.finished && length - at >= NLMSG_HDRLEN) {
				int len = b.getInt(at);
				int type = b.getShort(at + 4) & 0xffff;
				int flags = b.getShort(at + 6) & 0xffff;
				if (len < NLMSG_HDRLEN || len > length - at) {
					throw malformed("a message of " + len + " bytes at offset " + at + " of " + length);
				}
				if (b.getInt(at + 8) == this.seq) {
					if ((flags & NLM_F_DUMP_INTR) != 0) {
						this.interrupted = true;
					}
					accept(b, type, at + NLMSG_HDRLEN, at + len);
				}
				at += align(len);
			}
		}

		private void accept(ByteBuffer b, int type, int payload, int end) {
			switch (type) {
				case RTM_NEWLINK -> this.links.add(link(b, payload, end));
				case NLMSG_ERROR -> {
					if (end - payload < 4) {
						throw malformed("an error message without its error");
					}
					finish(-b.getInt(payload));
				}
				// A dump's end carries 0, or the negative errno that cut it short.
				case NLMSG_DONE -> finish((end - payload >= 4) ? -b.getInt(payload) : 0);
				case NLMSG_OVERRUN -> throw malformed("an overrun");
				default -> {
					// NLMSG_NOOP and anything else carry nothing for a link request.
				}
			}
		}

		private void finish(int errno) {
			this.finished = true;
			this.errno = errno;
		}

		private static Link link(ByteBuffer b, int payload, int end) {
			if (end - payload < IFINFOMSG_LEN) {
				throw malformed("a link message without its ifinfomsg");
			}
			int index = b.getInt(payload + 4);
			int flags = b.getInt(payload + 8);
			String name = "";
			String kind = "";
			int master = 0;
			for (int at = payload + IFINFOMSG_LEN; end - at >= 4;) {
				int len = b.getShort(at) & 0xffff;
				int type = b.getShort(at + 2) & NLA_TYPE_MASK;
				if (len < 4 || len > end - at) {
					throw malformed("an attribute of " + len + " bytes in the link " + index);
				}
				switch (type) {
					case IFLA_IFNAME -> name = string(b, at + 4, at + len);
					case IFLA_MASTER -> master = (len >= 8) ? b.getInt(at + 4) : 0;
					case IFLA_LINKINFO -> kind = kind(b, at + 4, at + len);
					default -> {
					}
				}
				at += align(len);
			}
			return new Link(index, name, kind, master, (flags & IFF_UP) != 0);
		}

		/** {@code IFLA_INFO_KIND} among the nested attributes of {@code IFLA_LINKINFO}. */
		private static String kind(ByteBuffer b, int from, int end) {
			for (int at = from; end - at >= 4;) {
				int len = b.getShort(at) & 0xffff;
				if (len < 4 || len > end - at) {
					throw malformed("a link info attribute of " + len + " bytes");
				}
				if ((b.getShort(at + 2) & NLA_TYPE_MASK) == IFLA_INFO_KIND) {
					return string(b, at + 4, at + len);
				}
				at += align(len);
			}
			return "";
		}

		/** A C string attribute, up to its NUL or the attribute's end. */
		private static String string(ByteBuffer b, int from, int end) {
			int stop = from;
			while (stop < end && b.get(stop) != 0) {
				stop++;
			}
			byte[] bytes = new byte[stop - from];
			b.get(from, bytes);
			return new String(bytes, StandardCharsets.UTF_8);
		}

		private static SystemException malformed(String what) {
			return new SystemException("malformed rtnetlink reply: " + what);
		}

	}

}
