package io.berth.network;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.berth.error.SystemException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LinksMessagesTests {

	private static final ByteOrder ORDER = ByteOrder.nativeOrder();

	@Test
	void dumpRequestIsAGetlinkDumpSkippingStats() {
		ByteBuffer b = ByteBuffer.wrap(LinksMessages.dumpLinks(7)).order(ORDER);
		assertThat(b.capacity()).isEqualTo(40);
		assertThat(b.getInt(0)).isEqualTo(40);
		assertThat(b.getShort(4)).isEqualTo((short) LinksMessages.RTM_GETLINK);
		assertThat(b.getShort(6)).isEqualTo((short) 0x301);
		assertThat(b.getInt(8)).isEqualTo(7);
		assertThat(b.getInt(12)).isZero();
		for (int i = 16; i < 32; i++) {
			assertThat(b.get(i)).as("ifinfomsg byte " + i).isZero();
		}
		assertThat(b.getShort(32)).isEqualTo((short) 8);
		assertThat(b.getShort(34)).isEqualTo((short) LinksMessages.IFLA_EXT_MASK);
		assertThat(b.getInt(36)).isEqualTo(LinksMessages.RTEXT_FILTER_SKIP_STATS);
	}

	@Test
	void deleteRequestNamesTheInterfaceNulTerminatedAndPadded() {
		ByteBuffer b = ByteBuffer.wrap(LinksMessages.deleteLink(3, "veth0")).order(ORDER);
		// 16 + 16 + rtattr(4 + "veth0\0" = 10, padded to 12)
		assertThat(b.capacity()).isEqualTo(44);
		assertThat(b.getInt(0)).isEqualTo(44);
		assertThat(b.getShort(4)).isEqualTo((short) LinksMessages.RTM_DELLINK);
		assertThat(b.getShort(6)).isEqualTo((short) (LinksMessages.NLM_F_REQUEST | LinksMessages.NLM_F_ACK));
		assertThat(b.getInt(8)).isEqualTo(3);
		assertThat(b.getShort(32)).isEqualTo((short) 10);
		assertThat(b.getShort(34)).isEqualTo((short) LinksMessages.IFLA_IFNAME);
		byte[] name = new byte[6];
		b.get(36, name);
		assertThat(name).isEqualTo("veth0\0".getBytes(StandardCharsets.US_ASCII));
		assertThat(b.get(42)).isZero();
		assertThat(b.get(43)).isZero();
	}

	@Test
	void fifteenByteNameFillsItsAttributeExactly() {
		byte[] m = LinksMessages.deleteLink(1, "abcdefghijklmno");
		// rtattr 4 + 15 + NUL = 20, already aligned
		assertThat(m).hasSize(52);
		assertThat(ByteBuffer.wrap(m).order(ORDER).getShort(32)).isEqualTo((short) 20);
	}

	@Test
	void invalidNamesAreRefused() {
		for (String bad : new String[] { "", ".", "..", "a/b", "a:b", "a b", "a\tb", "a\0b", "abcdefghijklmnop",
				"ééééééééé" }) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> LinksMessages.deleteLink(1, bad));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> LinksMessages.checkName(null));
		for (String good : new String[] { "a", "lo", "berth0", "vb0123456789a", "abcdefghijklmno", "..a", "a.b" }) {
			LinksMessages.checkName(good);
		}
	}

	@Test
	void multipartDumpIsReadAcrossDatagramsUntilDone() {
		LinksMessages.Replies r = new LinksMessages.Replies(9);
		byte[] first = concat(
				newLink(9, LinksMessages.NLM_F_MULTI, 1, LinksMessages.IFF_UP | 0x8, "lo", null, 0, false),
				newLink(9, LinksMessages.NLM_F_MULTI, 5, 0x1002, "berth0", "bridge", 0, true));
		r.read(first, first.length);
		assertThat(r.finished()).isFalse();
		byte[] second = concat(newLink(9, LinksMessages.NLM_F_MULTI, 6, 0x1003, "vb1", "veth", 5, false),
				message(LinksMessages.NLMSG_DONE, LinksMessages.NLM_F_MULTI, 9, intBytes(0)));
		// Trailing bytes of a buffer beyond the datagram's length are not read.
		byte[] buffer = concat(second, new byte[64]);
		Arrays.fill(buffer, second.length, buffer.length, (byte) 0x7f);
		r.read(buffer, second.length);
		assertThat(r.finished()).isTrue();
		assertThat(r.errno()).isZero();
		assertThat(r.interrupted()).isFalse();
		assertThat(r.links()).containsExactly(new Link(1, "lo", "", 0, true), new Link(5, "berth0", "bridge", 0, false),
				new Link(6, "vb1", "veth", 5, true));
	}

	@Test
	void messagesOfAnotherSequenceAndNoopsAreSkipped() {
		LinksMessages.Replies r = new LinksMessages.Replies(2);
		byte[] d = concat(newLink(1, LinksMessages.NLM_F_MULTI, 4, 0, "other", null, 0, false),
				message(LinksMessages.NLMSG_NOOP, 0, 2, new byte[0]),
				message(LinksMessages.NLMSG_DONE, LinksMessages.NLM_F_MULTI, 1, intBytes(0)),
				newLink(2, LinksMessages.NLM_F_MULTI, 7, 0, "mine", null, 0, false),
				message(LinksMessages.NLMSG_DONE, LinksMessages.NLM_F_MULTI, 2, intBytes(0)));
		r.read(d, d.length);
		assertThat(r.finished()).isTrue();
		assertThat(r.links()).extracting(Link::name).containsExactly("mine");
	}

	@Test
	void interruptedDumpIsNoticed() {
		LinksMessages.Replies r = new LinksMessages.Replies(1);
		byte[] d = concat(
				newLink(1, LinksMessages.NLM_F_MULTI | LinksMessages.NLM_F_DUMP_INTR, 1, 0, "lo", null, 0, false),
				message(LinksMessages.NLMSG_DONE, LinksMessages.NLM_F_MULTI, 1, intBytes(0)));
		r.read(d, d.length);
		assertThat(r.interrupted()).isTrue();
	}

	@Test
	void errorCarriesTheErrnoAndZeroIsAnAck() {
		LinksMessages.Replies failed = new LinksMessages.Replies(1);
		byte[] err = message(LinksMessages.NLMSG_ERROR, 0, 1, concat(intBytes(-19), LinksMessages.deleteLink(1, "x")));
		failed.read(err, err.length);
		assertThat(failed.finished()).isTrue();
		assertThat(failed.errno()).isEqualTo(19);

		LinksMessages.Replies acked = new LinksMessages.Replies(1);
		byte[] ack = message(LinksMessages.NLMSG_ERROR, 0x100, 1,
				concat(intBytes(0), Arrays.copyOf(LinksMessages.deleteLink(1, "x"), 16)));
		acked.read(ack, ack.length);
		assertThat(acked.finished()).isTrue();
		assertThat(acked.errno()).isZero();
	}

	@Test
	void doneWithAnErrorEndsTheDumpWithIt() {
		LinksMessages.Replies r = new LinksMessages.Replies(1);
		byte[] d = message(LinksMessages.NLMSG_DONE, LinksMessages.NLM_F_MULTI, 1, intBytes(-16));
		r.read(d, d.length);
		assertThat(r.finished()).isTrue();
		assertThat(r.errno()).isEqualTo(16);
	}

	@Test
	void malformedLengthsAreRefusedNotOverread() {
		byte[] link = newLink(1, 0, 1, 0, "lo", "veth", 0, false);
		LinksMessages.Replies r = new LinksMessages.Replies(1);
		// A message claiming more than the datagram holds.
		assertThatExceptionOfType(SystemException.class).isThrownBy(() -> r.read(link, link.length - 4));
		// An attribute claiming more than its message holds.
		byte[] badAttribute = link.clone();
		ByteBuffer.wrap(badAttribute).order(ORDER).putShort(32, (short) 200);
		assertThatExceptionOfType(SystemException.class)
			.isThrownBy(() -> new LinksMessages.Replies(1).read(badAttribute, badAttribute.length));
		// A header shorter than itself.
		byte[] shortHeader = link.clone();
		ByteBuffer.wrap(shortHeader).order(ORDER).putInt(0, 8);
		assertThatExceptionOfType(SystemException.class)
			.isThrownBy(() -> new LinksMessages.Replies(1).read(shortHeader, shortHeader.length));
	}

	@Test
	void nestedFlagOnLinkInfoIsIgnoredAndOtherAttributesSkipped() {
		byte[] link = newLink(1, 0, 3, 0, "br", "bridge", 0, true);
		LinksMessages.Replies r = new LinksMessages.Replies(1);
		byte[] d = concat(link, message(LinksMessages.NLMSG_DONE, 0, 1, intBytes(0)));
		r.read(d, d.length);
		assertThat(r.links()).containsExactly(new Link(3, "br", "bridge", 0, false));
	}

	/**
	 * An RTM_NEWLINK as the kernel sends it: name, an unrelated MTU attribute, the master when non-zero, and the
	 * kind nested in IFLA_LINKINFO, optionally flagged NLA_F_NESTED as newer kernels do.
	 */
	private static byte[] newLink(int seq, int flags, int index, int ifiFlags, String name, String kind, int master,
			boolean nestedFlag) {
		ByteBuffer ifi = ByteBuffer.allocate(16).order(ORDER);
		ifi.put((byte) 0).put((byte) 0).putShort((short) 1).putInt(index).putInt(ifiFlags).putInt(0xffffffff);
		byte[] payload = concat(ifi.array(), attribute(LinksMessages.IFLA_IFNAME, cString(name)),
				attribute(4 /* IFLA_MTU */, intBytes(1500)));
		if (master != 0) {
			payload = concat(payload, attribute(LinksMessages.IFLA_MASTER, intBytes(master)));
		}
		if (kind != null) {
			byte[] info = concat(attribute(LinksMessages.IFLA_INFO_KIND, cString(kind)),
					attribute(2 /* IFLA_INFO_DATA */, new byte[] { 1, 2, 3 }));
			payload = concat(payload,
					attribute(LinksMessages.IFLA_LINKINFO | (nestedFlag ? 0x8000 : 0), info));
		}
		return message(LinksMessages.RTM_NEWLINK, flags, seq, payload);
	}

	private static byte[] message(int type, int flags, int seq, byte[] payload) {
		int len = 16 + payload.length;
		ByteBuffer b = ByteBuffer.allocate(LinksMessages.align(len)).order(ORDER);
		b.putInt(len).putShort((short) type).putShort((short) flags).putInt(seq).putInt(4242).put(payload);
		return b.array();
	}

	private static byte[] attribute(int type, byte[] value) {
		int len = 4 + value.length;
		ByteBuffer b = ByteBuffer.allocate(LinksMessages.align(len)).order(ORDER);
		b.putShort((short) len).putShort((short) type).put(value);
		return b.array();
	}

	private static byte[] cString(String s) {
		return (s + "\0").getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] intBytes(int v) {
		return ByteBuffer.allocate(4).order(ORDER).putInt(v).array();
	}

	private static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] p : parts) {
			out.writeBytes(p);
		}
		return out.toByteArray();
	}

}
