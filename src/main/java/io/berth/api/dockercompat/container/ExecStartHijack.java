package io.berth.api.dockercompat.container;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.berth.api.transport.HijackHandler;
import io.berth.api.transport.HijackRequest;
import io.berth.container.ExecInstance;
import io.berth.container.ExecService;
import io.berth.runtime.MonitorClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Component;

/**
 * {@code POST /exec/{id}/start}: detached, the process starts and the reply is an empty 200; attached, the client's
 * streams are connected to the exec's monitor before the process starts, and the exit code is stored before the
 * stream closes, because the CLI asks for it right after.
 */
@Component
class ExecStartHijack implements HijackHandler {

	private static final Pattern PATH = Pattern.compile("/exec/([^/]+)/start");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ExecService execs;

	private final MonitorClient monitors;

	ExecStartHijack(ExecService execs, MonitorClient monitors) {
		this.execs = execs;
		this.monitors = monitors;
	}

	@Override
	public Optional<Session> prepare(HijackRequest request) {
		Matcher m = PATH.matcher(request.path());
		if (!m.matches()) {
			return Optional.empty();
		}
		ExecInstance e = this.execs.get(m.group(1));
		String body = new String(request.body(), StandardCharsets.UTF_8);
		JsonNode n = JSON.readTree(body.isBlank() ? "{}" : body);
		boolean detach = n.path("Detach").asBoolean(false);
		this.execs.launch(e, detach);
		if (detach) {
			return Optional.of((client) -> {
			});
		}
		return Optional.of((client) -> relay(e, client));
	}

	private void relay(ExecInstance e, SocketChannel client) throws IOException {
		try (SocketChannel monitor = this.monitors.attach(e.socket(), e.attachStdin(), e.attachStdout(),
				e.attachStderr())) {
			this.execs.run(e);
			AttachHijack.relayStreams(client, monitor, e.attachStdin(), e.tty());
		}
		this.execs.awaitExit(e);
	}

}
