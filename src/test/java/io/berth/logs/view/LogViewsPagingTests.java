package io.berth.logs.view;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.error.InvalidParameterException;
import io.berth.logs.view.TestLogs.Expected;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link LogViews} pages, downloads and merges agree with a naive scan of the same files. */
class LogViewsPagingTests {

	private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

	@TempDir
	Path temp;

	@Test
	void everyPageOfRandomLogsMatchesANaiveScan() throws IOException {
		Random random = new Random(7);
		for (int round = 0; round < 4; round++) {
			Path file = this.temp.resolve("random-" + round + ".log");
			Files.writeString(file, TestLogs.randomLog(random, 300 + random.nextInt(1200), START));
			LogViews views = new LogViews(8, 64);
			for (LogFilter filter : filters()) {
				assertEveryPage(views, file, filter, random);
			}
		}
	}

	@Test
	void pagesStayRightAsTheFileGrowsAndItsLastLineCompletes() throws IOException {
		Random random = new Random(11);
		Path file = this.temp.resolve("growing.log");
		LogViews views = new LogViews(4, 64);
		Instant time = START;
		for (int step = 0; step < 12; step++) {
			String more = TestLogs.randomLog(random, random.nextInt(60), time);
			time = time.plusSeconds(100);
			// Half of the appends end mid-record, as the monitor's writes may when read concurrently.
			int cut = (random.nextBoolean() && !more.isEmpty()) ? random.nextInt(more.length()) : more.length();
			Files.writeString(file, more.substring(0, cut), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			for (LogFilter filter : filters()) {
				assertEveryPage(views, file, filter, random);
			}
			Files.writeString(file, more.substring(cut), StandardOpenOption.APPEND);
			for (LogFilter filter : filters()) {
				assertEveryPage(views, file, filter, random);
			}
		}
	}

	@Test
	void aPartialLastLineIsNotCountedUntilItsNewlineArrives() throws IOException {
		Path file = this.temp.resolve("partial.log");
		String record = TestLogs.record("hello\n", false, "2026-03-01T10:00:00Z");
		Files.writeString(file, record + record.substring(0, record.length() - 1));
		LogViews views = new LogViews();
		assertThat(views.page(file, LogFilter.ALL, 0, 10).total()).isEqualTo(1);
		Files.writeString(file, "\n", StandardOpenOption.APPEND);
		LogPage page = views.page(file, LogFilter.ALL, 0, 10);
		assertThat(page.total()).isEqualTo(2);
		assertThat(page.lines()).extracting(LogLine::n).containsExactly(0L, 1L);
	}

	@Test
	void aFileReplacedByAnotherIsIndexedAfresh() throws IOException {
		Random random = new Random(3);
		Path file = this.temp.resolve("replaced.log");
		LogViews views = new LogViews(4, 64);
		Files.writeString(file, TestLogs.randomLog(random, 400, START));
		assertEveryPage(views, file, LogFilter.ALL, random);
		// A shorter file moved in over it: caught by the size.
		Path shorter = this.temp.resolve("shorter.tmp");
		Files.writeString(shorter, TestLogs.randomLog(random, 50, START));
		Files.move(shorter, file, StandardCopyOption.REPLACE_EXISTING);
		assertEveryPage(views, file, LogFilter.ALL, random);
		// A longer one: caught only by its file key.
		Path longer = this.temp.resolve("longer.tmp");
		Files.writeString(longer, TestLogs.randomLog(random, 600, START.plusSeconds(5)));
		Files.move(longer, file, StandardCopyOption.REPLACE_EXISTING);
		assertEveryPage(views, file, LogFilter.ALL, random);
	}

	@Test
	void aMissingFileIsAnEmptyPage() {
		LogViews views = new LogViews();
		LogPage page = views.page(this.temp.resolve("missing.log"), LogFilter.ALL, -1, 100);
		assertThat(page).isEqualTo(new LogPage(0, 0, List.of()));
		assertThat(views.indexCount()).isZero();
	}

	@Test
	void countIsClampedAndFromBeyondTheEndIsEmpty() throws IOException {
		Path file = this.temp.resolve("lines.log");
		StringBuilder log = new StringBuilder();
		for (int i = 0; i < 1500; i++) {
			log.append(TestLogs.record("line " + i + "\n", false, TestLogs.time(START.plusSeconds(i))));
		}
		Files.writeString(file, log);
		LogViews views = new LogViews();
		assertThat(views.page(file, LogFilter.ALL, 0, 5000).lines()).hasSize(LogViews.MAX_COUNT);
		assertThat(views.page(file, LogFilter.ALL, 3, 0).lines()).extracting(LogLine::text).containsExactly("line 3");
		assertThat(views.page(file, LogFilter.ALL, -1, 2).lines()).extracting(LogLine::text)
			.containsExactly("line 1498", "line 1499");
		LogPage beyond = views.page(file, LogFilter.ALL, 2000, 10);
		assertThat(beyond.total()).isEqualTo(1500);
		assertThat(beyond.lines()).isEmpty();
	}

	@Test
	void keepsAtMostItsCapacityOfIndexes() throws IOException {
		Path file = this.temp.resolve("few.log");
		Files.writeString(file, TestLogs.randomLog(new Random(5), 50, START));
		LogViews views = new LogViews(4, 3);
		for (String q : new String[] { "a", "b", "c", "d", "e" }) {
			views.page(file, LogFilter.parse(true, true, q, null, null), 0, 10);
		}
		assertThat(views.indexCount()).isEqualTo(3);
	}

	@Test
	void aCatastrophicPatternFailsAsTooExpensive() throws IOException {
		Path file = this.temp.resolve("evil.log");
		Files.writeString(file, TestLogs.record("a".repeat(40) + "!\n", false, "2026-03-01T10:00:00Z"));
		LogViews views = new LogViews();
		LogFilter evil = LogFilter.parse(true, true, "(.*a){20}$", null, null);
		assertThatThrownBy(() -> views.page(file, evil, 0, 10)).isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("search pattern too expensive");
		LogFilter deep = LogFilter.parse(true, true, "(a|b)*c", null, null);
		Files.writeString(file, TestLogs.record("ab".repeat(8000) + "\n", false, "2026-03-01T10:00:01Z"),
				StandardOpenOption.APPEND);
		assertThatThrownBy(() -> views.page(file, deep, 0, 10)).isInstanceOf(InvalidParameterException.class)
			.hasMessageContaining("search pattern too expensive");
	}

	@Test
	void writeStreamsThePlainFilteredLog() throws IOException {
		Path file = this.temp.resolve("download.log");
		Files.writeString(file, TestLogs.randomLog(new Random(9), 500, START));
		LogViews views = new LogViews();
		LogFilter filter = LogFilter.parse(true, true, "o", null, null);
		ByteArrayOutputStream plain = new ByteArrayOutputStream();
		views.write(file, filter, false, plain);
		ByteArrayOutputStream timed = new ByteArrayOutputStream();
		views.write(file, filter, true, timed);
		StringBuilder expectedPlain = new StringBuilder();
		StringBuilder expectedTimed = new StringBuilder();
		for (Expected e : TestLogs.naive(file, filter)) {
			expectedPlain.append(AnsiHtml.strip(e.text())).append('\n');
			expectedTimed.append(e.time()).append(' ').append(AnsiHtml.strip(e.text())).append('\n');
		}
		assertThat(plain.toString(StandardCharsets.UTF_8)).isEqualTo(expectedPlain.toString());
		assertThat(timed.toString(StandardCharsets.UTF_8)).isEqualTo(expectedTimed.toString());
		ByteArrayOutputStream none = new ByteArrayOutputStream();
		views.write(this.temp.resolve("missing.log"), filter, true, none);
		assertThat(none.size()).isZero();
	}

	@Test
	void mergedInterleavesTheLastLinesOfEachSourceByTime() throws IOException {
		Random random = new Random(13);
		List<LogViews.Source> sources = new ArrayList<>();
		for (int s = 0; s < 3; s++) {
			Path file = this.temp.resolve("merged-" + s + ".log");
			// Times in whole quarter-seconds, so sources often share one.
			StringBuilder log = new StringBuilder();
			Instant time = START;
			for (int i = 0; i < 200 + random.nextInt(200); i++) {
				time = time.plusMillis(250L * random.nextInt(3));
				log.append(TestLogs.record("c" + s + " " + TestLogs.randomText(random) + "\n", random.nextInt(4) == 0,
						TestLogs.time(time)));
			}
			Files.writeString(file, log);
			sources.add(new LogViews.Source("c" + s, file));
		}
		sources.add(new LogViews.Source("gone", this.temp.resolve("gone.log")));
		LogViews views = new LogViews(16, 64);
		for (LogFilter filter : filters()) {
			for (int count : new int[] { 1, 10, 100, 1000 }) {
				List<String> expected = new ArrayList<>();
				List<Instant> expectedTimes = new ArrayList<>();
				for (LogViews.Source source : sources) {
					for (Expected e : TestLogs.naive(source.file(), filter)) {
						expected.add(source.container() + "|" + e.time() + "|" + AnsiHtml.strip(e.text()));
						expectedTimes.add(Instant.parse(e.time()));
					}
				}
				List<Integer> order = new ArrayList<>();
				for (int i = 0; i < expected.size(); i++) {
					order.add(i);
				}
				order.sort(Comparator.comparing(expectedTimes::get));
				List<String> sorted = order.stream().map(expected::get).toList();
				List<String> last = sorted.subList(Math.max(0, sorted.size() - count), sorted.size());
				List<String> actual = views.merged(sources, filter, count)
					.stream()
					.map((m) -> m.container() + "|" + m.line().time() + "|" + m.line().text())
					.toList();
				assertThat(actual).as(filter + " " + count).isEqualTo(last);
			}
		}
	}

	private static List<LogFilter> filters() {
		Instant since = START.plusSeconds(30);
		Instant until = START.plusSeconds(120);
		return List.of(LogFilter.ALL, new LogFilter(true, false, null, null, null),
				new LogFilter(false, true, null, null, null), new LogFilter(false, false, null, null, null),
				new LogFilter(true, true, Pattern.compile("error|warn"), null, null),
				new LogFilter(true, true, Pattern.compile("foobar"), null, null),
				new LogFilter(true, true, Pattern.compile("^ok$"), null, null),
				new LogFilter(true, true, null, since, until), new LogFilter(true, true, null, since, null),
				new LogFilter(false, true, Pattern.compile("(?i)RED|é"), null, until));
	}

	/** Compares pages of every size in turn, in a random order, and the last page, with the naive scan. */
	private static void assertEveryPage(LogViews views, Path file, LogFilter filter, Random random) throws IOException {
		List<Expected> expected = TestLogs.naive(file, filter);
		for (int count : new int[] { 1, 3, 8, 50, 1000 }) {
			List<Long> starts = new ArrayList<>();
			for (long from = 0; from <= expected.size(); from += count) {
				starts.add(from);
			}
			Collections.shuffle(starts, random);
			starts.add(-1L);
			for (long from : starts) {
				LogPage page = views.page(file, filter, from, count);
				long start = (from < 0) ? Math.max(0, expected.size() - count) : from;
				assertThat(page.total()).as(filter + " total").isEqualTo(expected.size());
				assertThat(page.from()).isEqualTo(start);
				List<LogLine> want = new ArrayList<>();
				for (long n = start; n < Math.min(expected.size(), start + count); n++) {
					Expected e = expected.get((int) n);
					want.add(new LogLine(n, e.time(), e.stderr(), AnsiHtml.toHtml(e.text()), AnsiHtml.strip(e.text())));
				}
				assertThat(page.lines()).as(filter + " from " + from + " count " + count).isEqualTo(want);
			}
		}
		int checkpoints = views.checkpointCount(file, filter);
		assertThat(checkpoints).isLessThanOrEqualTo(expected.size() / 4 + 1);
	}

}
