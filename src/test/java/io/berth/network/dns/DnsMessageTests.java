package io.berth.network.dns;

import java.io.ByteArrayOutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.berth.network.dns.DnsMessage.MalformedMessageException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DnsMessageTests {

	@Test
	void queryIsReadAndAnsweredWithARecords() throws Exception {
		byte[] packet = new Query(0x1234, "Web").build();
		DnsMessage query = DnsMessage.parseQuery(packet, packet.length);
		assertThat(query.id()).isEqualTo(0x1234);
		assertThat(query.name()).isEqualTo("web");
		assertThat(query.type()).isEqualTo(DnsMessage.TYPE_A);
		assertThat(query.questionClass()).isEqualTo(DnsMessage.CLASS_IN);
		assertThat(query.recursionDesired()).isTrue();
		assertThat(query.edns()).isFalse();
		assertThat(query.udpLimit()).isEqualTo(512);

		Response r = Response.read(query.addressAnswer(List.of(ip("10.9.8.7"), ip("10.9.8.8")), 512));
		assertThat(r.id).isEqualTo(0x1234);
		assertThat(r.isResponse).isTrue();
		assertThat(r.authoritative).isTrue();
		assertThat(r.recursionDesired).isTrue();
		assertThat(r.recursionAvailable).isTrue();
		assertThat(r.truncated).isFalse();
		assertThat(r.rcode).isEqualTo(DnsMessage.NOERROR);
		// The question comes back as the client wrote it, case and all, for clients that check it.
		assertThat(r.question).isEqualTo("Web");
		assertThat(r.answers).extracting(Record::type).containsOnly(DnsMessage.TYPE_A);
		assertThat(r.answers).extracting(Record::ttl).containsOnly(600L);
		assertThat(r.answers).extracting(Record::name).containsOnly("Web");
		assertThat(r.answers).extracting(Record::text).containsExactly("10.9.8.7", "10.9.8.8");
		assertThat(r.additional).isZero();
	}

	@Test
	void namesAreCaseInsensitiveAndHaveNoTrailingDot() throws Exception {
		for (String name : new String[] { "WEB", "web", "wEb" }) {
			byte[] packet = new Query(1, name).build();
			assertThat(DnsMessage.parseQuery(packet, packet.length).name()).isEqualTo("web");
		}
		byte[] packet = new Query(1, "My-App.Example.COM").build();
		assertThat(DnsMessage.parseQuery(packet, packet.length).name()).isEqualTo("my-app.example.com");
		byte[] root = new Query(1, "").type(2).build();
		assertThat(DnsMessage.parseQuery(root, root.length).name()).isEmpty();
	}

	@Test
	void recursionFlagIsCopied() throws Exception {
		byte[] packet = new Query(7, "web").flags(0).build();
		DnsMessage query = DnsMessage.parseQuery(packet, packet.length);
		assertThat(query.recursionDesired()).isFalse();
		assertThat(Response.read(query.noData()).recursionDesired).isFalse();
	}

	@Test
	void emptyAndErrorResponsesKeepTheQuestion() throws Exception {
		byte[] packet = new Query(99, "web").type(DnsMessage.TYPE_AAAA).build();
		DnsMessage query = DnsMessage.parseQuery(packet, packet.length);

		Response noData = Response.read(query.noData());
		assertThat(noData.rcode).isEqualTo(DnsMessage.NOERROR);
		assertThat(noData.authoritative).isTrue();
		assertThat(noData.answers).isEmpty();
		assertThat(noData.question).isEqualTo("web");
		assertThat(noData.questionType).isEqualTo(DnsMessage.TYPE_AAAA);

		Response empty = Response.read(query.addressAnswer(List.of(), 512));
		assertThat(empty.rcode).isEqualTo(DnsMessage.NOERROR);
		assertThat(empty.answers).isEmpty();

		for (int rcode : new int[] { DnsMessage.NXDOMAIN, DnsMessage.SERVFAIL, DnsMessage.FORMERR }) {
			Response error = Response.read(query.error(rcode));
			assertThat(error.id).isEqualTo(99);
			assertThat(error.isResponse).isTrue();
			assertThat(error.rcode).isEqualTo(rcode);
			assertThat(error.authoritative).isFalse();
			assertThat(error.answers).isEmpty();
			assertThat(error.question).isEqualTo("web");
		}
	}

	@Test
	void pointerAnswerNamesTheTarget() throws Exception {
		byte[] packet = new Query(5, "7.8.9.10.in-addr.arpa").type(DnsMessage.TYPE_PTR).build();
		DnsMessage query = DnsMessage.parseQuery(packet, packet.length);
		assertThat(DnsMessage.reverseAddress(query.name())).contains(ip("10.9.8.7"));
		Response r = Response.read(query.pointerAnswer("web.mynet", 512));
		assertThat(r.rcode).isEqualTo(DnsMessage.NOERROR);
		assertThat(r.answers).singleElement().satisfies((a) -> {
			assertThat(a.type()).isEqualTo(DnsMessage.TYPE_PTR);
			assertThat(a.text()).isEqualTo("web.mynet");
		});
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> query.pointerAnswer("a..b", 512));
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> query.pointerAnswer("x".repeat(64), 512));
	}

	@Test
	void reverseNamesAreParsedStrictly() {
		assertThat(DnsMessage.reverseAddress("7.8.9.10.in-addr.arpa")).contains(ip("10.9.8.7"));
		assertThat(DnsMessage.reverseAddress("7.8.9.10.IN-ADDR.ARPA.")).contains(ip("10.9.8.7"));
		assertThat(DnsMessage.reverseAddress("255.0.0.0.in-addr.arpa")).contains(ip("0.0.0.255"));
		for (String other : new String[] { "9.10.in-addr.arpa", "1.7.8.9.10.in-addr.arpa", "256.8.9.10.in-addr.arpa",
				"a.8.9.10.in-addr.arpa", "-1.8.9.10.in-addr.arpa", "1234.8.9.10.in-addr.arpa", ".8.9.10.in-addr.arpa",
				"7.8.9.10.ip6.arpa", "web", "in-addr.arpa" }) {
			assertThat(DnsMessage.reverseAddress(other)).as(other).isEmpty();
		}
		assertThat(DnsMessage.reverseName(ip("10.9.8.7"))).isEqualTo("7.8.9.10.in-addr.arpa");
	}

	@Test
	void compressionPointersAreFollowed() throws Exception {
		// An additional record named by a pointer to the question, then an OPT record after it: both are read
		// past correctly only if the pointer is understood.
		Query q = new Query(3, "web.example").additional(pointerTo(12), DnsMessage.TYPE_A, 1, new byte[] { 1, 2, 3, 4 })
			.opt(1232);
		byte[] packet = q.build();
		DnsMessage query = DnsMessage.parseQuery(packet, packet.length);
		assertThat(query.edns()).isTrue();
		assertThat(query.udpLimit()).isEqualTo(1232);

		// A name that is labels and then a pointer to the question's second label.
		ByteArrayOutputStream b = new ByteArrayOutputStream();
		b.writeBytes(packet);
		int at = b.size();
		b.writeBytes(new byte[] { 3, 'W', 'w', 'W' });
		b.writeBytes(pointerTo(12 + 4));
		byte[] extended = b.toByteArray();
		assertThat(DnsMessage.nameAt(extended, extended.length, at)).isEqualTo("www.example");
		// A pointer to a pointer.
		b.writeBytes(pointerTo(at));
		byte[] twice = b.toByteArray();
		assertThat(DnsMessage.nameAt(twice, twice.length, at + 6)).isEqualTo("www.example");
	}

	@Test
	void pointerLoopsAreRefused() {
		byte[] packet = new Query(3, "web").build();
		int end = packet.length;
		// A pointer to itself.
		byte[] self = concat(packet, pointerTo(end));
		assertMalformed(() -> DnsMessage.nameAt(self, self.length, end));
		// Two pointers to each other.
		byte[] pair = concat(packet, pointerTo(end + 2), pointerTo(end));
		assertMalformed(() -> DnsMessage.nameAt(pair, pair.length, end));
		// A label followed by a pointer back to that label.
		byte[] labelLoop = concat(packet, new byte[] { 1, 'a' }, pointerTo(end));
		assertMalformed(() -> DnsMessage.nameAt(labelLoop, labelLoop.length, end));
		// A pointer forward, and one into the header.
		byte[] forward = concat(packet, pointerTo(end + 2), new byte[] { 1, 'a', 0 });
		assertMalformed(() -> DnsMessage.nameAt(forward, forward.length, end));
		byte[] header = concat(packet, pointerTo(2));
		assertMalformed(() -> DnsMessage.nameAt(header, header.length, end));
		// And in a whole query: an additional record whose name is a pointer to itself.
		int recordName = new Query(3, "web").build().length;
		byte[] query = new Query(3, "web").additional(pointerTo(recordName), DnsMessage.TYPE_A, 1, new byte[4])
			.build();
		assertFormErr(query);
	}

	@Test
	void everyTruncationIsRefused() throws Exception {
		byte[] packet = new Query(0x4242, "web.example").opt(4096).build();
		DnsMessage.parseQuery(packet, packet.length);
		for (int length = 0; length < packet.length; length++) {
			int n = length;
			assertMalformed(() -> DnsMessage.parseQuery(packet, n));
			assertMalformed(() -> DnsMessage.parseQuery(Arrays.copyOf(packet, n), n));
			if (n < 12) {
				assertThat(DnsMessage.headerOnlyResponse(packet, n, DnsMessage.FORMERR)).as("length " + n).isEmpty();
			}
			else {
				assertThat(DnsMessage.headerOnlyResponse(packet, n, DnsMessage.FORMERR)).as("length " + n).isPresent();
			}
		}
	}

	@Test
	void lengthsBeyondTheLimitsAreRefused() throws Exception {
		byte[] longLabel = new Query(1, "x".repeat(63)).build();
		assertThat(DnsMessage.parseQuery(longLabel, longLabel.length).name()).hasSize(63);
		byte[] tooLongLabel = new Query(1, "x".repeat(63)).build();
		tooLongLabel[12] = 64;
		assertFormErr(tooLongLabel);
		tooLongLabel[12] = (byte) 0x80;
		assertFormErr(tooLongLabel);

		// 3 labels of 63 and one of 61 make 255 bytes with the length bytes and the root: the most there may be.
		String longest = "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
		byte[] fits = new Query(1, longest).build();
		assertThat(DnsMessage.parseQuery(fits, fits.length).name()).isEqualTo(longest);
		byte[] tooLong = new Query(1, longest + "d").build();
		assertFormErr(tooLong);
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> DnsMessage.encodeName(longest + "d"));
	}

	@Test
	void otherShapesAreRefusedWithTheRightCode() throws Exception {
		byte[] noQuestion = new Query(1, "web").build();
		noQuestion[5] = 0;
		assertFormErr(noQuestion);
		byte[] twoQuestions = new Query(1, "web").build();
		twoQuestions[5] = 2;
		assertFormErr(twoQuestions);
		byte[] twoOpts = new Query(1, "web").opt(1232).opt(1232).build();
		assertFormErr(twoOpts);

		byte[] update = new Query(1, "web").flags(5 << 11).build();
		MalformedMessageException notQuery = catchMalformed(update);
		assertThat(notQuery.rcode()).isEqualTo(DnsMessage.NOTIMP);
		Response r = Response.read(DnsMessage.headerOnlyResponse(update, update.length, notQuery.rcode()).get());
		assertThat(r.rcode).isEqualTo(DnsMessage.NOTIMP);
		assertThat(r.opcode).isEqualTo(5);
	}

	@Test
	void responsesAreNeverAnswered() {
		byte[] response = new Query(1, "web").flags(0x8000 | 0x0100).build();
		assertThat(catchMalformed(response).rcode()).isEqualTo(DnsMessage.FORMERR);
		assertThat(DnsMessage.headerOnlyResponse(response, response.length, DnsMessage.FORMERR)).isEmpty();
		assertThat(DnsMessage.isResponse(response, response.length)).isTrue();
	}

	@Test
	void formErrKeepsTheIdAndRecursionFlag() {
		byte[] garbage = new byte[] { (byte) 0xab, (byte) 0xcd, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 5, 'a' };
		assertThat(catchMalformed(garbage).rcode()).isEqualTo(DnsMessage.FORMERR);
		Response r = Response.read(DnsMessage.headerOnlyResponse(garbage, garbage.length, DnsMessage.FORMERR).get());
		assertThat(r.id).isEqualTo(0xabcd);
		assertThat(r.isResponse).isTrue();
		assertThat(r.recursionDesired).isTrue();
		assertThat(r.rcode).isEqualTo(DnsMessage.FORMERR);
		assertThat(r.questions).isZero();
	}

	@Test
	void ednsSizeIsRememberedAndAnswered() throws Exception {
		assertThat(parse(new Query(1, "web").opt(1232)).udpLimit()).isEqualTo(1232);
		assertThat(parse(new Query(1, "web").opt(65000)).udpLimit()).isEqualTo(4096);
		assertThat(parse(new Query(1, "web").opt(100)).udpLimit()).isEqualTo(512);
		DnsMessage query = parse(new Query(1, "web").opt(1232));
		Response r = Response.read(query.addressAnswer(List.of(ip("10.9.8.7")), query.udpLimit()));
		assertThat(r.answers).hasSize(1);
		assertThat(r.additional).isEqualTo(1);
		assertThat(r.optSize).isEqualTo(4096);
		// An OPT record needs the root name; one with another name is just a record.
		Query namedOpt = new Query(1, "web").additional(new byte[] { 1, 'x', 0 }, DnsMessage.TYPE_OPT, 1232,
				new byte[0]);
		assertThat(parse(namedOpt).edns()).isFalse();
	}

	@Test
	void answersThatDoNotFitAreTruncated() throws Exception {
		List<Inet4Address> many = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			many.add(ip("10.0." + (i / 256) + "." + (i % 256)));
		}
		DnsMessage query = parse(new Query(1, "web"));
		byte[] udp = query.addressAnswer(many, query.udpLimit());
		assertThat(udp.length).isLessThanOrEqualTo(512);
		Response r = Response.read(udp);
		assertThat(r.truncated).isTrue();
		assertThat(r.answers).hasSizeBetween(1, 199);
		Response tcp = Response.read(query.addressAnswer(many, DnsMessage.TCP_LIMIT));
		assertThat(tcp.truncated).isFalse();
		assertThat(tcp.answers).hasSize(200);

		DnsMessage edns = parse(new Query(1, "web").opt(1232));
		byte[] withOpt = edns.addressAnswer(many, edns.udpLimit());
		assertThat(withOpt.length).isLessThanOrEqualTo(1232);
		assertThat(Response.read(withOpt).additional).isEqualTo(1);
	}

	@Test
	void oddBytesInLabelsAreEscaped() throws Exception {
		byte[] packet = new Query(1, "x").build();
		// Replace the label "x" with "a.b" as one label (a dot inside it), then check the name cannot be confused.
		byte[] odd = concat(Arrays.copyOf(packet, 12), new byte[] { 3, 'a', '.', 'b', 0, 0, 1, 0, 1 });
		assertThat(DnsMessage.parseQuery(odd, odd.length).name()).isEqualTo("a\\046b");
	}

	@Test
	void idCanBeRewrittenForForwarding() {
		byte[] packet = new Query(0x0102, "web").build();
		DnsMessage.setId(packet, 0xfffe);
		assertThat(DnsMessage.id(packet)).isEqualTo(0xfffe);
		assertThat(DnsMessage.isResponse(packet, packet.length)).isFalse();
		assertThat(DnsMessage.isResponse(packet, 11)).isFalse();
	}

	private static DnsMessage parse(Query query) throws MalformedMessageException {
		byte[] packet = query.build();
		return DnsMessage.parseQuery(packet, packet.length);
	}

	private static void assertFormErr(byte[] packet) {
		assertThat(catchMalformed(packet).rcode()).isEqualTo(DnsMessage.FORMERR);
		Response r = Response.read(DnsMessage.headerOnlyResponse(packet, packet.length, DnsMessage.FORMERR).get());
		assertThat(r.rcode).isEqualTo(DnsMessage.FORMERR);
		assertThat(r.id).isEqualTo(DnsMessage.id(packet));
	}

	private static MalformedMessageException catchMalformed(byte[] packet) {
		try {
			DnsMessage.parseQuery(packet, packet.length);
		}
		catch (MalformedMessageException ex) {
			return ex;
		}
		throw new AssertionError("parsed: " + Arrays.toString(packet));
	}

	private static void assertMalformed(ThrowingCall call) {
		try {
			call.call();
		}
		catch (MalformedMessageException ex) {
			return;
		}
		catch (RuntimeException ex) {
			throw new AssertionError("not a MalformedMessageException", ex);
		}
		throw new AssertionError("accepted");
	}

	@FunctionalInterface
	interface ThrowingCall {

		void call() throws MalformedMessageException;

	}

	private static byte[] pointerTo(int offset) {
		return new byte[] { (byte) (0xc0 | (offset >> 8)), (byte) offset };
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	static Inet4Address ip(String text) {
		try {
			return (Inet4Address) InetAddress.getByName(text);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Builds query packets as a client would, uncompressed. */
	static final class Query {

		private final int id;

		private final String name;

		private int flags = 0x0100;

		private int type = DnsMessage.TYPE_A;

		private final List<byte[]> additional = new ArrayList<>();

		Query(int id, String name) {
			this.id = id;
			this.name = name;
		}

		Query flags(int flags) {
			this.flags = flags;
			return this;
		}

		Query type(int type) {
			this.type = type;
			return this;
		}

		Query opt(int udpSize) {
			return additional(new byte[] { 0 }, DnsMessage.TYPE_OPT, udpSize, new byte[0]);
		}

		Query additional(byte[] name, int type, int recordClass, byte[] rdata) {
			ByteBuffer b = ByteBuffer.allocate(name.length + 10 + rdata.length);
			b.put(name).putShort((short) type).putShort((short) recordClass).putInt(0).putShort((short) rdata.length);
			b.put(rdata);
			this.additional.add(b.array());
			return this;
		}

		byte[] build() {
			ByteArrayOutputStream out = new ByteArrayOutputStream();
			ByteBuffer header = ByteBuffer.allocate(12);
			header.putShort((short) this.id).putShort((short) this.flags).putShort((short) 1).putShort((short) 0);
			header.putShort((short) 0).putShort((short) this.additional.size());
			out.writeBytes(header.array());
			if (!this.name.isEmpty()) {
				for (String label : this.name.split("\\.")) {
					out.write(label.length());
					out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
				}
			}
			out.write(0);
			out.write(this.type >> 8);
			out.write(this.type);
			out.write(0);
			out.write(1);
			for (byte[] record : this.additional) {
				out.writeBytes(record);
			}
			return out.toByteArray();
		}

	}

	record Record(String name, int type, long ttl, String text) {

	}

	/** A response read back, independently of the code under test, with the fields a client looks at. */
	static final class Response {

		int id;

		boolean isResponse;

		int opcode;

		boolean authoritative;

		boolean truncated;

		boolean recursionDesired;

		boolean recursionAvailable;

		int rcode;

		int questions;

		String question;

		int questionType;

		int additional;

		int optSize;

		final List<Record> answers = new ArrayList<>();

		static Response read(byte[] packet) {
			ByteBuffer b = ByteBuffer.wrap(packet);
			Response r = new Response();
			r.id = b.getShort() & 0xffff;
			int flags = b.getShort() & 0xffff;
			r.isResponse = (flags & 0x8000) != 0;
			r.opcode = (flags >> 11) & 0xf;
			r.authoritative = (flags & 0x0400) != 0;
			r.truncated = (flags & 0x0200) != 0;
			r.recursionDesired = (flags & 0x0100) != 0;
			r.recursionAvailable = (flags & 0x0080) != 0;
			r.rcode = flags & 0xf;
			r.questions = b.getShort();
			int answers = b.getShort();
			int authority = b.getShort();
			r.additional = b.getShort();
			assertThat(authority).isZero();
			if (r.questions == 1) {
				r.question = name(packet, b);
				r.questionType = b.getShort() & 0xffff;
				assertThat(b.getShort()).isEqualTo((short) 1);
			}
			for (int i = 0; i < answers; i++) {
				String name = name(packet, b);
				int type = b.getShort() & 0xffff;
				assertThat(b.getShort()).isEqualTo((short) 1);
				long ttl = b.getInt() & 0xffffffffL;
				byte[] rdata = new byte[b.getShort() & 0xffff];
				b.get(rdata);
				String text = (type == DnsMessage.TYPE_A) ? address(rdata) : name(rdata, ByteBuffer.wrap(rdata));
				r.answers.add(new Record(name, type, ttl, text));
			}
			for (int i = 0; i < r.additional; i++) {
				assertThat(b.get()).isZero();
				assertThat(b.getShort()).isEqualTo((short) DnsMessage.TYPE_OPT);
				r.optSize = b.getShort() & 0xffff;
				b.getInt();
				int rdLength = b.getShort() & 0xffff;
				b.position(b.position() + rdLength);
			}
			assertThat(b.hasRemaining()).as("bytes after the last record").isFalse();
			return r;
		}

		private static String address(byte[] rdata) {
			return (rdata[0] & 0xff) + "." + (rdata[1] & 0xff) + "." + (rdata[2] & 0xff) + "." + (rdata[3] & 0xff);
		}

		private static String name(byte[] packet, ByteBuffer b) {
			StringBuilder name = new StringBuilder();
			int at = b.position();
			boolean jumped = false;
			while (true) {
				int len = packet[at] & 0xff;
				if (len == 0) {
					if (!jumped) {
						b.position(at + 1);
					}
					return name.toString();
				}
				if ((len & 0xc0) == 0xc0) {
					if (!jumped) {
						b.position(at + 2);
					}
					jumped = true;
					at = ((len & 0x3f) << 8) | (packet[at + 1] & 0xff);
					continue;
				}
				if (name.length() > 0) {
					name.append('.');
				}
				name.append(new String(packet, at + 1, len, StandardCharsets.US_ASCII));
				at += 1 + len;
			}
		}

	}

}
