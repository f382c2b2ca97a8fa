package io.berth.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One HTTP/1.1 request written by hand to the API socket, for the malformed requests that the docker CLI would
 * refuse to send.
 */
final class RawHttp {

	private RawHttp() {
	}

	record Response(int status, String head, String body) {
	}

	static Response send(Path socket, String method, String path, String extraHeaders, String body)
			throws IOException {
		return send(socket, method, path, extraHeaders + "Content-Type: application/json\r\n",
				body.getBytes(StandardCharsets.UTF_8));
	}

	/** A request with a binary body, such as a build context tar; the headers name its type. */
	static Response send(Path socket, String method, String path, String headers, byte[] body) throws IOException {
		String request = method + " " + path + " HTTP/1.1\r\nHost: api\r\nConnection: close\r\n" + headers
				+ "Content-Length: " + body.length + "\r\n\r\n";
		try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			ch.connect(UnixDomainSocketAddress.of(socket));
			for (ByteBuffer out : new ByteBuffer[] { ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)),
					ByteBuffer.wrap(body) }) {
				while (out.hasRemaining()) {
					ch.write(out);
				}
			}
			ByteArrayOutputStream in = new ByteArrayOutputStream();
			ByteBuffer buf = ByteBuffer.allocate(8192);
			while (ch.read(buf.clear()) >= 0) {
				in.write(buf.array(), 0, buf.position());
			}
			String text = in.toString(StandardCharsets.UTF_8);
			int split = text.indexOf("\r\n\r\n");
			String head = (split < 0) ? text : text.substring(0, split);
			String rest = (split < 0) ? "" : text.substring(split + 4);
			return new Response(Integer.parseInt(head.split(" ")[1]), head, rest);
		}
	}

}
