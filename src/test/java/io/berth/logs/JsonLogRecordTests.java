package io.berth.logs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast json-file record decoder agrees with a general JSON parser, and the reader falls back to one. */
class JsonLogRecordTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@TempDir
	Path temp;

	@Test
	void decodesTheMonitorsFormWithEveryEscape() {
		String text = "tab\t quote\" back\\ slash/ nl\n cr\r bell\u0007 <&> é 😀 \u2028 end";
		String line = JSON.writeValueAsString(java.util.Map.of("log", text)).replace("}", "")
				+ ",\"stream\":\"stderr\",\"time\":\"2026-11-28T09:00:00.5Z\"}\n";
		JsonLogRecord r = decode(line);
		assertThat(new String(r.text(), StandardCharsets.UTF_8)).isEqualTo(text);
		assertThat(r.stderr()).isTrue();
		assertThat(r.time()).isEqualTo("2026-11-28T09:00:00.5Z");
	}

	@Test
	void escapedSurrogatePairsBecomeOneCharacterAndLoneOnesAReplacement() {
		JsonLogRecord r = decode("{\"log\":\"\\ud83d\\ude00 \\ud83d x\",\"stream\":\"stdout\",\"time\":\"t\"}\n");
		assertThat(new String(r.text(), StandardCharsets.UTF_8)).isEqualTo("😀 \uFFFD x");
		assertThat(r.stderr()).isFalse();
	}

	@Test
	void whatIsNotAFlatObjectOfStringsIsLeftToTheGeneralParser() {
		JsonLogRecord r = new JsonLogRecord();
		for (String bad : new String[] { "\n", "[]\n", "{}\n", "{\"log\":\"x\"}\n",
				"{\"log\":\"x\",\"attrs\":{\"a\":\"b\"},\"time\":\"t\"}\n", "{\"log\":\"\\q\",\"time\":\"t\"}\n",
				"{\"log\":\"\\u12\",\"time\":\"t\"}\n", "{\"log\":\"x\",\"time\":\"t\"} trailing\n",
				"{\"log\":\"raw\nnewline\",\"time\":\"t\"}\n" }) {
			byte[] b = bad.getBytes(StandardCharsets.UTF_8);
			assertThat(r.decode(b, 0, b.length)).as(bad).isEqualTo(JsonLogRecord.NOT_FLAT);
		}
	}

	@Test
	void aRecordCutShortByTheBufferAsksForMore() {
		JsonLogRecord r = new JsonLogRecord();
		String whole = "{\"log\":\"\\ud83d\\ude00 x\\n\",\"stream\":\"stdout\",\"time\":\"t\"}\n";
		byte[] b = whole.getBytes(StandardCharsets.UTF_8);
		for (int cut = 0; cut < b.length; cut++) {
			assertThat(r.decode(b, 0, cut)).as(whole.substring(0, cut)).isEqualTo(JsonLogRecord.NEED_MORE);
		}
		assertThat(r.decode(b, 0, b.length)).isEqualTo(b.length);
		byte[] lone = "{\"time\":\"t\",\"log\":\"x\\ud83d\"}\n".getBytes(StandardCharsets.UTF_8);
		assertThat(r.decode(lone, 0, lone.length)).isEqualTo(lone.length);
		assertThat(new String(r.text(), StandardCharsets.UTF_8)).isEqualTo("x\uFFFD");
	}

	@Test
	void readerFindsRecordsAcrossItsBufferAndRecordsLongerThanIt() throws Exception {
		Path log = this.temp.resolve("long-json.log");
		StringBuilder file = new StringBuilder();
		for (int i = 0; i < 5000; i++) {
			file.append("{\"log\":\"line ").append(i).append("\\n\",\"stream\":\"stdout\",\"time\":\"t\"}\n");
		}
		String big = "\\u0041".repeat(100_000);
		file.append("{\"log\":\"").append(big).append("\",\"stream\":\"stdout\",\"time\":\"t\"}\n");
		file.append("{\"log\":\"last\\n\",\"stream\":\"stdout\",\"time\":\"t\"}\n");
		Files.writeString(log, file);
		List<String> seen = new ArrayList<>();
		JsonFileLog.read(log, new LogQuery(true, true, null, null, -1, false), CompletableFuture.completedFuture(null),
				(e) -> seen.add(new String(e.text(), StandardCharsets.UTF_8)));
		assertThat(seen).hasSize(5002);
		assertThat(seen.get(4999)).isEqualTo("line 4999\n");
		assertThat(seen.get(5000)).isEqualTo("A".repeat(100_000));
		assertThat(seen.get(5001)).isEqualTo("last\n");
	}

	@Test
	void readerHandsOverEveryRecordIncludingOnesWithAttributesAndFlushesPerBatch() throws Exception {
		Path log = this.temp.resolve("c-json.log");
		Files.writeString(log, """
				{"log":"one\\n","stream":"stdout","time":"2026-11-28T09:00:01Z"}
				{"log":"two\\n","stream":"stderr","attrs":{"k":"v"},"time":"2026-11-28T09:00:02.25Z"}

				not json at all
				{"log":"three\\n","stream":"stdout","time":"2026-11-28T09:00:03.123456789Z"}
				""");
		List<String> seen = new ArrayList<>();
		int[] flushes = { 0 };
		JsonFileLog.read(log, new LogQuery(true, true, null, null, -1, false), CompletableFuture.completedFuture(null),
				new JsonFileLog.Sink() {

					@Override
					public boolean accept(LogEntry e) {
						seen.add((e.stderr() ? "err " : "out ") + e.fixedTime() + " "
								+ new String(e.text(), StandardCharsets.UTF_8));
						return true;
					}

					@Override
					public void flush() {
						flushes[0]++;
					}

				});
		assertThat(seen).containsExactly("out 2026-11-28T09:00:01.000000000Z one\n",
				"err 2026-11-28T09:00:02.250000000Z two\n", "out 2026-11-28T09:00:03.123456789Z three\n");
		assertThat(flushes[0]).isBetween(1, 2);
	}

	private static JsonLogRecord decode(String line) {
		JsonLogRecord r = new JsonLogRecord();
		byte[] b = line.getBytes(StandardCharsets.UTF_8);
		assertThat(r.decode(b, 0, b.length)).as(line).isEqualTo(b.length);
		return r;
	}

}
