package io.berth.network.dns;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A DNS query as the embedded server sees it (the header and its one question), and the responses it makes to it. It
 * reads packets from containers, which are untrusted: every malformed packet ends in
 * {@link MalformedMessageException}, never in another exception, and nothing is read outside the packet.
 */
public final class DnsMessage {

	public static final int TYPE_A = 1;

	public static final int TYPE_PTR = 12;

	public static final int TYPE_AAAA = 28;

	public static final int TYPE_OPT = 41;

	public static final int TYPE_ANY = 255;

	public static final int CLASS_IN = 1;

	public static final int NOERROR = 0;

	public static final int FORMERR = 1;

	public static final int SERVFAIL = 2;

	public static final int NXDOMAIN = 3;

	public static final int NOTIMP = 4;

	public static final int REFUSED = 5;

	/** Docker's TTL for container names; clients cache answers no longer than that. */
	public static final int TTL = 600;

	/** What a UDP message may be when the client does not say otherwise through EDNS (RFC 1035). */
	public static final int UDP_LIMIT = 512;

	/** The most this server accepts or sends over UDP, whatever larger size a client offers through EDNS. */
	public static final int EDNS_LIMIT = 4096;

	/** What a message over TCP may be: its length prefix is 16 bits. */
	public static final int TCP_LIMIT = 65535;

	static final int HEADER_LENGTH = 12;

	private static final int QR = 0x8000;

	private static final int AA = 0x0400;

	private static final int TC = 0x0200;

	private static final int RD = 0x0100;

	private static final int RA = 0x0080;

	private static final int MAX_NAME_LENGTH = 255;

	private static final String REVERSE_SUFFIX = ".in-addr.arpa";

	private final int id;

	private final int flags;

	private final byte[] questionName;

	private final String name;

	private final int type;

	private final int questionClass;

	private final int ednsSize;

	private DnsMessage(int id, int flags, byte[] questionName, String name, int type, int questionClass,
			int ednsSize) {
		this.id = id;
		this.flags = flags;
		this.questionName = questionName;
		this.name = name;
		this.type = type;
		this.questionClass = questionClass;
		this.ednsSize = ednsSize;
	}

	/**
	 * Reads a standard query with exactly one question. Records in the other sections are skipped, and an EDNS OPT
	 * record among the additional ones is remembered only for the size the client can take.
	 * @throws MalformedMessageException with the response code the client should get
	 */
	public static DnsMessage parseQuery(byte[] packet, int length) throws MalformedMessageException {
		if (length < HEADER_LENGTH || length > packet.length) {
			throw new MalformedMessageException("shorter than a header", FORMERR);
		}
		int flags = u16(packet, 2);
		if ((flags & QR) != 0) {
			throw new MalformedMessageException("a response, not a query", FORMERR);
		}
		if (opcode(flags) != 0) {
			throw new MalformedMessageException("opcode " + opcode(flags), NOTIMP);
		}
		if (u16(packet, 4) != 1) {
			throw new MalformedMessageException(u16(packet, 4) + " questions", FORMERR);
		}
		Reader reader = new Reader(packet, length);
		reader.position = HEADER_LENGTH;
		ByteArrayOutputStream wire = new ByteArrayOutputStream();
		StringBuilder text = new StringBuilder();
		reader.readName(wire, text);
		int type = reader.readU16();
		int questionClass = reader.readU16();
		int records = u16(packet, 6) + u16(packet, 8);
		for (int i = 0; i < records; i++) {
			reader.skipRecord();
		}
		int ednsSize = 0;
		for (int i = u16(packet, 10); i > 0; i--) {
			int payload = reader.skipRecord();
			if (payload >= 0) {
				if (ednsSize != 0) {
					throw new MalformedMessageException("more than one OPT record", FORMERR);
				}
				ednsSize = Math.max(payload, UDP_LIMIT);
			}
		}
		return new DnsMessage(u16(packet, 0), flags, wire.toByteArray(), text.toString(), type, questionClass,
				ednsSize);
	}

	/**
	 * A response with no question to a packet that {@link #parseQuery} refused, when its header can be read and it is
	 * a query: answering responses could make two servers answer each other forever.
	 */
	public static Optional<byte[]> headerOnlyResponse(byte[] packet, int length, int rcode) {
		if (length < HEADER_LENGTH || length > packet.length || (u16(packet, 2) & QR) != 0) {
			return Optional.empty();
		}
		byte[] response = new byte[HEADER_LENGTH];
		int flags = QR | (u16(packet, 2) & (0x7800 | RD)) | RA | (rcode & 0xf);
		put16(response, 0, u16(packet, 0));
		put16(response, 2, flags);
		return Optional.of(response);
	}

	/** The transaction ID of a packet at least a header long. */
	public static int id(byte[] packet) {
		return u16(packet, 0);
	}

	/** Sets the transaction ID, which is how a forwarded query is told apart and its response given back. */
	public static void setId(byte[] packet, int id) {
		put16(packet, 0, id);
	}

	/** Whether the packet has a whole header with the response bit set. */
	public static boolean isResponse(byte[] packet, int length) {
		return length >= HEADER_LENGTH && length <= packet.length && (u16(packet, 2) & QR) != 0;
	}

	/** The response code of a packet at least a header long (the low four bits, without EDNS's extension). */
	public static int rcode(byte[] packet) {
		return u16(packet, 2) & 0xf;
	}

	/**
	 * The address of a reverse name such as {@code 7.8.9.10.in-addr.arpa}, which is 10.9.8.7; empty for any other
	 * name, including a partial one such as {@code 9.10.in-addr.arpa}.
	 */
	public static Optional<Inet4Address> reverseAddress(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (lower.endsWith(".")) {
			lower = lower.substring(0, lower.length() - 1);
		}
		if (!lower.endsWith(REVERSE_SUFFIX)) {
			return Optional.empty();
		}
		String[] octets = lower.substring(0, lower.length() - REVERSE_SUFFIX.length()).split("\\.", -1);
		if (octets.length != 4) {
			return Optional.empty();
		}
		byte[] address = new byte[4];
		for (int i = 0; i < 4; i++) {
			String octet = octets[3 - i];
			if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch((c) -> c >= '0' && c <= '9')
					|| Integer.parseInt(octet) > 255) {
				return Optional.empty();
			}
			address[i] = (byte) Integer.parseInt(octet);
		}
		try {
			return Optional.of((Inet4Address) InetAddress.getByAddress(address));
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The name whose PTR record names the address, such as {@code 7.8.9.10.in-addr.arpa} for 10.9.8.7. */
	public static String reverseName(Inet4Address address) {
		byte[] a = address.getAddress();
		return (a[3] & 0xff) + "." + (a[2] & 0xff) + "." + (a[1] & 0xff) + "." + (a[0] & 0xff) + REVERSE_SUFFIX;
	}

	public int id() {
		return this.id;
	}

	public boolean recursionDesired() {
		return (this.flags & RD) != 0;
	}

	/**
	 * The question's name in lower case without a trailing dot, {@code ""} for the root; a byte that is not a
	 * printable ASCII character, a dot or a backslash within a label is written {@code \DDD}, as dig does.
	 */
	public String name() {
		return this.name;
	}

	public int type() {
		return this.type;
	}

	public int questionClass() {
		return this.questionClass;
	}

	/** Whether the query carried an EDNS OPT record. */
	public boolean edns() {
		return this.ednsSize != 0;
	}

	/** The largest UDP response the client can take. */
	public int udpLimit() {
		return (this.ednsSize != 0) ? Math.min(this.ednsSize, EDNS_LIMIT) : UDP_LIMIT;
	}

	/**
	 * An authoritative NOERROR response with an A record for each address (none when the list is empty: the name
	 * exists without addresses of that type). Records that would take it over {@code limit} bytes are left out and
	 * the response marked truncated, so the client can ask again over TCP.
	 */
	public byte[] addressAnswer(List<Inet4Address> addresses, int limit) {
		List<byte[]> rdata = new ArrayList<>(addresses.size());
		for (Inet4Address address : addresses) {
			rdata.add(address.getAddress());
		}
		return response(NOERROR, true, TYPE_A, rdata, limit);
	}

	/**
	 * An authoritative response with one PTR record naming {@code target}.
	 * @throws IllegalArgumentException if the target is not a valid domain name
	 */
	public byte[] pointerAnswer(String target, int limit) {
		return response(NOERROR, true, TYPE_PTR, List.of(encodeName(target)), limit);
	}

	/** An authoritative NOERROR response with no records: the name exists, but has none of the type asked for. */
	public byte[] noData() {
		return response(NOERROR, true, 0, List.of(), TCP_LIMIT);
	}

	/** A response with the question and no records, such as NXDOMAIN or SERVFAIL. */
	public byte[] error(int rcode) {
		return response(rcode, false, 0, List.of(), TCP_LIMIT);
	}

	private byte[] response(int rcode, boolean authoritative, int answerType, List<byte[]> rdata, int limit) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int flags = QR | (this.flags & RD) | RA | (authoritative ? AA : 0) | (rcode & 0xf);
		writeU16(out, this.id);
		writeU16(out, flags);
		writeU16(out, 1);
		writeU16(out, 0);
		writeU16(out, 0);
		writeU16(out, edns() ? 1 : 0);
		out.writeBytes(this.questionName);
		writeU16(out, this.type);
		writeU16(out, this.questionClass);
		int opt = edns() ? 11 : 0;
		int answers = 0;
		for (byte[] data : rdata) {
			if (out.size() + 12 + data.length + opt > limit) {
				flags |= TC;
				break;
			}
			writeU16(out, 0xc000 | HEADER_LENGTH);
			writeU16(out, answerType);
			writeU16(out, CLASS_IN);
			writeU16(out, TTL >>> 16);
			writeU16(out, TTL & 0xffff);
			writeU16(out, data.length);
			out.writeBytes(data);
			answers++;
		}
		if (edns()) {
			out.write(0);
			writeU16(out, TYPE_OPT);
			writeU16(out, EDNS_LIMIT);
			writeU16(out, 0);
			writeU16(out, 0);
			writeU16(out, 0);
		}
		byte[] response = out.toByteArray();
		put16(response, 2, flags);
		put16(response, 6, answers);
		return response;
	}

	/**
	 * The name at {@code offset}, as {@link #name()} gives it, following compression pointers; for tests and
	 * diagnostics of packets that {@link #parseQuery} reads only in part.
	 */
	static String nameAt(byte[] packet, int length, int offset) throws MalformedMessageException {
		Reader reader = new Reader(packet, Math.min(length, packet.length));
		reader.position = offset;
		StringBuilder text = new StringBuilder();
		reader.readName(new ByteArrayOutputStream(), text);
		return text.toString();
	}

	/** A name in wire form without compression. */
	static byte[] encodeName(String name) {
		String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		if (!trimmed.isEmpty()) {
			for (String label : trimmed.split("\\.", -1)) {
				if (label.isEmpty() || label.length() > 63 || !label.chars().allMatch((c) -> c > 0x20 && c < 0x7f)) {
					throw new IllegalArgumentException("not a domain name: " + name);
				}
				byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
				out.write(bytes.length);
				out.writeBytes(bytes);
			}
		}
		out.write(0);
		if (out.size() > MAX_NAME_LENGTH) {
			throw new IllegalArgumentException("domain name longer than 255 bytes: " + name);
		}
		return out.toByteArray();
	}

	private static int opcode(int flags) {
		return (flags >>> 11) & 0xf;
	}

	private static int u16(byte[] b, int at) {
		return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
	}

	private static void put16(byte[] b, int at, int value) {
		b[at] = (byte) (value >>> 8);
		b[at + 1] = (byte) value;
	}

	private static void writeU16(ByteArrayOutputStream out, int value) {
		out.write(value >>> 8);
		out.write(value);
	}

	@Override
	public String toString() {
		return "DnsMessage[id=" + this.id + ", name=" + this.name + ", type=" + this.type + ", class="
				+ this.questionClass + ", edns=" + edns() + "]";
	}

	/** Reads within the packet's length only, so a count or pointer that lies fails here instead of overrunning. */
	private static final class Reader {

		private final byte[] packet;

		private final int length;

		private int position;

		Reader(byte[] packet, int length) {
			this.packet = packet;
			this.length = length;
		}

		int readU16() throws MalformedMessageException {
			need(2);
			int value = u16(this.packet, this.position);
			this.position += 2;
			return value;
		}

		/**
		 * Reads a name, following compression pointers. Each pointer must lead before the start of the labels it
		 * ends, so the reader always moves back and a loop cannot be made.
		 */
		void readName(@Nullable ByteArrayOutputStream wire, @Nullable StringBuilder text)
				throws MalformedMessageException {
			int at = this.position;
			int segmentStart = at;
			int resume = -1;
			int wireLength = 1;
			while (true) {
				if (at >= this.length) {
					throw new MalformedMessageException("name runs past the end", FORMERR);
				}
				int len = this.packet[at] & 0xff;
				if ((len & 0xc0) == 0xc0) {
					if (at + 1 >= this.length) {
						throw new MalformedMessageException("pointer runs past the end", FORMERR);
					}
					int target = ((len & 0x3f) << 8) | (this.packet[at + 1] & 0xff);
					if (target >= segmentStart || target < HEADER_LENGTH) {
						throw new MalformedMessageException("compression pointer that does not lead back", FORMERR);
					}
					if (resume < 0) {
						resume = at + 2;
					}
					at = target;
					segmentStart = target;
					continue;
				}
				if ((len & 0xc0) != 0) {
					throw new MalformedMessageException("label longer than 63 bytes", FORMERR);
				}
				if (len == 0) {
					this.position = (resume >= 0) ? resume : at + 1;
					if (wire != null) {
						wire.write(0);
					}
					return;
				}
				if (at + 1 + len > this.length) {
					throw new MalformedMessageException("label runs past the end", FORMERR);
				}
				wireLength += 1 + len;
				if (wireLength > MAX_NAME_LENGTH) {
					throw new MalformedMessageException("name longer than 255 bytes", FORMERR);
				}
				if (wire != null) {
					wire.write(this.packet, at, 1 + len);
					if (text.length() > 0) {
						text.append('.');
					}
					appendLabel(text, at + 1, len);
				}
				at += 1 + len;
			}
		}

		private void appendLabel(StringBuilder text, int from, int len) {
			for (int i = from; i < from + len; i++) {
				int c = this.packet[i] & 0xff;
				if (c >= 'A' && c <= 'Z') {
					text.append((char) (c + ('a' - 'A')));
				}
				else if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
					text.append((char) c);
				}
				else {
					text.append('\\').append(String.format("%03d", c));
				}
			}
		}

		/** Skips a resource record; returns its class if it is an OPT record (the client's UDP size), else -1. */
		int skipRecord() throws MalformedMessageException {
			int nameStart = this.position;
			readName(null, null);
			boolean rootName = this.position == nameStart + 1;
			int type = readU16();
			int recordClass = readU16();
			need(4);
			this.position += 4;
			int rdLength = readU16();
			need(rdLength);
			this.position += rdLength;
			return (type == TYPE_OPT && rootName) ? recordClass : -1;
		}

		private void need(int bytes) throws MalformedMessageException {
			if (this.position + bytes > this.length) {
				throw new MalformedMessageException("record runs past the end", FORMERR);
			}
		}

	}

	/** A packet this server cannot read, with the response code its sender should get if it gets one. */
	public static final class MalformedMessageException extends Exception {

		private final int rcode;

		MalformedMessageException(String message, int rcode) {
			super(message, null, false, false);
			this.rcode = rcode;
		}

		public int rcode() {
			return this.rcode;
		}

	}

}
