package io.berth.logs.view;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a log of a million records, a page after the first reads a bounded number of bytes and the index stays sparse.
 * Bounds on work, not timings, so the test cannot flake on a slow machine.
 */
class LogViewsLargeFileTests {

	private static final int RECORDS = 1_000_000;

	private static final int COUNT = 100;

	@TempDir
	static Path temp;

	private static Path file;

	private static int longestRecord;

	@BeforeAll
	static void writeAMillionRecords() throws IOException {
		file = temp.resolve("big.log");
		try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
			for (int i = 0; i < RECORDS; i++) {
				// Every third record is stderr; the text says its index so pages can be checked cheaply.
				String record = "{\"log\":\"l" + i + "\\n\",\"stream\":\"" + ((i % 3 == 0) ? "stderr" : "stdout")
						+ "\",\"time\":\"2026-01-01T" + two(i / 3600 % 24) + ":" + two(i / 60 % 60) + ":" + two(i % 60)
						+ "." + i % 1000 + "Z\"}\n";
				longestRecord = Math.max(longestRecord, record.length());
				out.write(record.getBytes(StandardCharsets.US_ASCII));
			}
		}
	}

	@Test
	void randomPagesOfAllRecordsReadABoundedNumberOfBytes() {
		LogViews views = new LogViews();
		LogPage first = views.page(file, LogFilter.ALL, 0, COUNT);
		assertThat(first.total()).isEqualTo(RECORDS);
		assertThat(views.checkpointCount(file, LogFilter.ALL))
			.isLessThanOrEqualTo(RECORDS / LogViews.DEFAULT_SPACING + 1);
		Random random = new Random(1);
		for (int i = 0; i < 50; i++) {
			long from = (i == 0) ? -1 : random.nextInt(RECORDS);
			long before = views.bytesRead();
			LogPage page = views.page(file, LogFilter.ALL, from, COUNT);
			long read = views.bytesRead() - before;
			long start = (from < 0) ? RECORDS - COUNT : from;
			assertThat(page.total()).isEqualTo(RECORDS);
			assertThat(page.lines()).hasSize((int) Math.min(COUNT, RECORDS - start));
			for (LogLine line : page.lines()) {
				assertThat(line.text()).isEqualTo("l" + line.n());
			}
			assertThat(page.lines().get(0).n()).isEqualTo(start);
			assertThat(read).as("bytes read for page at " + from).isLessThanOrEqualTo(bound(1));
		}
	}

	@Test
	void randomPagesOfAFilteredViewReadABoundedNumberOfBytes() {
		LogViews views = new LogViews();
		LogFilter stderr = new LogFilter(false, true, null, null, null);
		int total = (RECORDS + 2) / 3;
		assertThat(views.page(file, stderr, -1, COUNT).total()).isEqualTo(total);
		assertThat(views.checkpointCount(file, stderr)).isLessThanOrEqualTo(total / LogViews.DEFAULT_SPACING + 1);
		Random random = new Random(2);
		for (int i = 0; i < 50; i++) {
			long from = random.nextInt(total);
			long before = views.bytesRead();
			LogPage page = views.page(file, stderr, from, COUNT);
			assertThat(views.bytesRead() - before).isLessThanOrEqualTo(bound(3));
			for (LogLine line : page.lines()) {
				assertThat(line.stderr()).isTrue();
				assertThat(line.text()).isEqualTo("l" + (line.n() * 3));
			}
		}
	}

	/** At most the records from a checkpoint to the page's end, {@code spread} file records per passing one, plus a read buffer's slack. */
	private static long bound(int spread) {
		return (long) (LogViews.DEFAULT_SPACING + COUNT) * spread * longestRecord + 2 * 64 * 1024;
	}

	private static String two(int v) {
		return (v < 10) ? "0" + v : Integer.toString(v);
	}

}
