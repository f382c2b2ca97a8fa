package io.berth.api.transport;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for the connection header {@link ApiFront} puts on the requests it passes to Tomcat. */
class ApiFrontTaggingTests {

	@Test
	void headerFollowsTheRequestLineAndTheBodyIsKept() {
		String request = "PUT /containers/x/archive HTTP/1.1\r\nHost: api\r\nContent-Length: 4\r\n\r\nbody";
		assertThat(tag(request, 7)).isEqualTo("PUT /containers/x/archive HTTP/1.1\r\nX-Berth-Connection: 7\r\n"
				+ "Host: api\r\nContent-Length: 4\r\n\r\nbody");
	}

	@Test
	void aClientsOwnConnectionHeaderIsDropped() {
		String request = "GET /events HTTP/1.1\r\nx-berth-connection: 1\r\nHost: api\r\nX-Berth-Connection:2\r\n\r\n";
		assertThat(tag(request, 9))
			.isEqualTo("GET /events HTTP/1.1\r\nX-Berth-Connection: 9\r\nHost: api\r\n\r\n");
	}

	private static String tag(String request, long connection) {
		byte[] bytes = request.getBytes(StandardCharsets.ISO_8859_1);
		int headEnd = request.indexOf("\r\n\r\n");
		return new String(ApiFront.tagged(bytes, headEnd, connection), StandardCharsets.ISO_8859_1);
	}

}
