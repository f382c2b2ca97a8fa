package io.berth.logs.view;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Writes json-file logs for tests, and reads them the slow, obvious way to check the views against. */
final class TestLogs {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String[] WORDS = { "GET /", "error", "warn", "ok", "<b>", "\"quoted\"", "tab\there", "é中",
			"\u001b[31mred\u001b[0m", "\u001b[1;38;5;200mbold\u001b[m", "fo\u001b[32mob\u001b[0mar", "a&b",
			"\u001b]0;title\u0007", "done" };

	/** A record as the reference reader sees it. */
	record Expected(String time, boolean stderr, String text) {
	}

	private TestLogs() {
	}

	static String record(String text, boolean stderr, String time) {
		Map<String, String> fields = new LinkedHashMap<>();
		fields.put("log", text);
		fields.put("stream", stderr ? "stderr" : "stdout");
		fields.put("time", time);
		return JSON.writeValueAsString(fields) + "\n";
	}

	static String time(Instant instant) {
		return instant.toString();
	}

	/**
	 * Random records: both streams, ANSI colours, times that rise (sometimes not at all, sometimes in another
	 * offset), and now and then a damaged line or a record in another JSON shape.
	 */
	static String randomLog(Random random, int records, Instant start) {
		StringBuilder log = new StringBuilder();
		Instant time = start;
		for (int i = 0; i < records; i++) {
			time = time.plusNanos(random.nextInt(4) * 250_000_000L + random.nextInt(1000));
			String text = randomText(random) + (random.nextInt(10) == 0 ? "" : "\n");
			boolean stderr = random.nextInt(3) == 0;
			switch (random.nextInt(40)) {
				case 0 -> log.append("{\"log\":\"cut short\n");
				case 1 -> log.append("garbage ").append(i).append('\n');
				case 2 -> log.append('\n');
				case 3 -> log.append("{\"log\":\"no time\",\"stream\":\"stdout\"}\n");
				case 4 -> log.append(record(text, stderr, "not a time"));
				case 5 -> log.append(JSON.writeValueAsString(Map.of("log", text, "stream", "stderr", "time",
						OffsetDateTime.ofInstant(time, ZoneOffset.ofHours(2)).toString(), "attrs", Map.of("k", "v"))))
					.append('\n');
				case 6 -> log.append(record(text, stderr, OffsetDateTime.ofInstant(time, ZoneOffset.ofHours(-5)).toString()));
				default -> log.append(record(text, stderr, time(time)));
			}
		}
		return log.toString();
	}

	static String randomText(Random random) {
		StringBuilder text = new StringBuilder();
		int words = random.nextInt(6);
		for (int i = 0; i < words; i++) {
			text.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
		}
		return text.toString();
	}

	/** Every complete, undamaged record of the file that passes the filter, found by parsing each line with Jackson. */
	static List<Expected> naive(Path file, LogFilter filter) throws IOException {
		List<Expected> out = new ArrayList<>();
		if (!Files.exists(file)) {
			return out;
		}
		String content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
		int end = content.lastIndexOf('\n');
		if (end < 0) {
			return out;
		}
		for (String line : content.substring(0, end).split("\n", -1)) {
			JsonNode node;
			try {
				node = JSON.readTree(line);
			}
			catch (RuntimeException ex) {
				continue;
			}
			if (node == null || !node.isObject() || !node.path("time").isString()) {
				continue;
			}
			String time = node.path("time").asString();
			Instant instant;
			try {
				instant = OffsetDateTime.parse(time).toInstant();
			}
			catch (RuntimeException ex) {
				continue;
			}
			boolean stderr = "stderr".equals(node.path("stream").asString());
			String text = node.path("log").asString();
			if ((stderr ? filter.stderr() : filter.stdout())
					&& (filter.since() == null || !instant.isBefore(filter.since()))
					&& (filter.until() == null || !instant.isAfter(filter.until()))
					&& (filter.query() == null || filter.query().matcher(AnsiHtml.strip(text)).find())) {
				out.add(new Expected(time, stderr, text));
			}
		}
		return out;
	}

}
