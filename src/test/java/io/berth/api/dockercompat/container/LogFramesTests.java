package io.berth.api.dockercompat.container;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.berth.logs.LogEntry;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class LogFramesTests {

	private static final String TIME = "2026-11-28T12:00:00.000000001Z";

	@Test
	void consecutiveLinesOfOneStreamShareAFrameAndAStreamChangeStartsOne() throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		LogsController.FrameSink sink = new LogsController.FrameSink(out, false, false, new MockHttpServletResponse());
		for (String[] line : new String[][] { { "1", "a\n" }, { "1", "b\n" }, { "2", "c\n" }, { "1", "d\n" } }) {
			sink.accept(new LogEntry(line[0].equals("2"), TIME, line[1].getBytes(StandardCharsets.UTF_8)));
		}
		sink.flush();
		sink.accept(new LogEntry(false, TIME, "e\n".getBytes(StandardCharsets.UTF_8)));
		sink.flush();
		assertThat(frames(out.toByteArray())).containsExactly("1:a\nb\n", "2:c\n", "1:d\n", "1:e\n");
	}

	@Test
	void aFullBufferEndsTheFrameAndEveryByteArrives() throws Exception {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		LogsController.FrameSink sink = new LogsController.FrameSink(out, false, true, new MockHttpServletResponse());
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < 5000; i++) {
			String line = "line " + i + "\n";
			sink.accept(new LogEntry(false, TIME, line.getBytes(StandardCharsets.UTF_8)));
			expected.append(TIME).append(' ').append(line);
		}
		sink.flush();
		List<String> frames = frames(out.toByteArray());
		assertThat(frames.size()).isBetween(2, 10);
		assertThat(String.join("", frames.stream().map((f) -> f.substring(2)).toList()))
			.isEqualTo(expected.toString());
	}

	private static List<String> frames(byte[] bytes) {
		List<String> out = new ArrayList<>();
		ByteBuffer b = ByteBuffer.wrap(bytes);
		while (b.remaining() >= 8) {
			int stream = b.get();
			b.position(b.position() + 3);
			byte[] payload = new byte[b.getInt()];
			b.get(payload);
			out.add(stream + ":" + new String(payload, StandardCharsets.UTF_8));
		}
		assertThat(b.remaining()).isZero();
		return out;
	}

}
