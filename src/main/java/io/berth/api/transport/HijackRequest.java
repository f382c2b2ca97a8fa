package io.berth.api.transport;

import java.util.Map;

/**
 * A request for one of the API's hijacked streams (attach, exec start), as the front read it off the socket.
 *
 * @param path the path without the version prefix, such as {@code /containers/abc/attach}
 * @param query the decoded query parameters (the last value wins)
 * @param upgrade whether the client asked for {@code Upgrade: tcp} (it then expects {@code 101})
 */
public record HijackRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
		byte[] body, boolean upgrade) {
}
