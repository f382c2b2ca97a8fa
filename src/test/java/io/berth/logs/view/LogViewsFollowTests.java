package io.berth.logs.view;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link LogViews#follow} hands over appended records in order, filtered and numbered, through one shared watch. */
class LogViewsFollowTests {

	@TempDir
	Path temp;

	private final LogViews views = new LogViews();

	@AfterEach
	void stop() {
		this.views.destroy();
	}

	@Test
	void deliversFilteredAppendsInOrderForTwoFilesInOneDirectory() throws IOException, InterruptedException {
		Path a = this.temp.resolve("a-json.log");
		Path b = this.temp.resolve("b-json.log");
		append(a, "keep 0", true, "noise", true, "keep but stdout", false);
		LogFilter filter = new LogFilter(false, true, Pattern.compile("keep"), null, null);
		Lines fromA = new Lines();
		Lines fromB = new Lines();
		try (LogFollow followA = this.views.follow(a, filter, fromA); LogFollow followB = this.views.follow(b, LogFilter.ALL, fromB)) {
			assertThat(followA.from()).isEqualTo(1);
			assertThat(followB.from()).isZero();
			assertThat(this.views.watchedDirectoryCount()).isEqualTo(1);
			for (int i = 1; i <= 50; i++) {
				append(a, "keep " + i, true, "drop " + i, true, "keep stdout " + i, false);
			}
			// b did not exist when it was followed: it starts when created.
			append(b, "first", false, "second", true);
			assertThat(fromA.take(50)).extracting(LogLine::text).containsExactlyElementsOf(numbered("keep ", 1, 50));
			assertThat(fromA.all).extracting(LogLine::n).containsExactlyElementsOf(numbers(1, 50));
			assertThat(fromB.take(2)).extracting(LogLine::text).containsExactly("first", "second");
			assertThat(fromB.all).extracting(LogLine::n).containsExactly(0L, 1L);
			assertThat(fromB.all.get(1).stderr()).isTrue();
		}
		assertThat(this.views.watchedDirectoryCount()).isZero();
	}

	@Test
	void aRecordWrittenInPiecesArrivesOnceComplete() throws IOException, InterruptedException {
		Path file = this.temp.resolve("pieces.log");
		Lines lines = new Lines();
		try (LogFollow follow = this.views.follow(file, LogFilter.ALL, lines)) {
			String record = TestLogs.record("\u001b[31mred\u001b[0m <b>\n", false, "2026-03-01T10:00:00Z");
			Files.writeString(file, record.substring(0, 10), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
			Files.writeString(file, record.substring(10) + record, StandardOpenOption.APPEND);
			List<LogLine> got = lines.take(2);
			assertThat(got).extracting(LogLine::n).containsExactly(0L, 1L);
			assertThat(got.get(0).html()).isEqualTo("<span class=\"ansi-fg-1\">red</span> &lt;b&gt;");
			assertThat(got.get(0).text()).isEqualTo("red <b>");
		}
	}

	@Test
	void closeStopsDelivery() throws IOException, InterruptedException {
		Path closed = this.temp.resolve("closed.log");
		Path open = this.temp.resolve("open.log");
		Lines fromClosed = new Lines();
		Lines fromOpen = new Lines();
		LogFollow followClosed = this.views.follow(closed, LogFilter.ALL, fromClosed);
		try (LogFollow followOpen = this.views.follow(open, LogFilter.ALL, fromOpen)) {
			append(closed, "before", false);
			assertThat(fromClosed.take(1)).extracting(LogLine::text).containsExactly("before");
			followClosed.close();
			append(closed, "after", false);
			append(open, "marker", false);
			// The open follow's line comes after the closed one's append, through the same watch.
			assertThat(fromOpen.take(1)).extracting(LogLine::text).containsExactly("marker");
			assertThat(fromClosed.queue).isEmpty();
		}
	}

	@Test
	void aThrowingListenerDoesNotStopOthers() throws IOException, InterruptedException {
		Path file = this.temp.resolve("shared.log");
		AtomicInteger calls = new AtomicInteger();
		Lines good = new Lines();
		try (LogFollow bad = this.views.follow(file, LogFilter.ALL, (batch) -> {
			calls.incrementAndGet();
			throw new IllegalStateException("listener broke");
		}); LogFollow fine = this.views.follow(file, LogFilter.ALL, good)) {
			append(file, "one", false);
			assertThat(good.take(1)).extracting(LogLine::text).containsExactly("one");
			append(file, "two", false);
			assertThat(good.take(1)).extracting(LogLine::n).containsExactly(1L);
			assertThat(calls.get()).isPositive();
		}
	}

	private static void append(Path file, Object... textAndStderr) throws IOException {
		StringBuilder records = new StringBuilder();
		for (int i = 0; i < textAndStderr.length; i += 2) {
			records.append(TestLogs.record(textAndStderr[i] + "\n", (Boolean) textAndStderr[i + 1],
					java.time.Instant.now().toString()));
		}
		Files.writeString(file, records, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
	}

	private static List<String> numbered(String prefix, int from, int to) {
		List<String> out = new ArrayList<>();
		for (int i = from; i <= to; i++) {
			out.add(prefix + i);
		}
		return out;
	}

	private static List<Long> numbers(long from, long to) {
		List<Long> out = new ArrayList<>();
		for (long i = from; i <= to; i++) {
			out.add(i);
		}
		return out;
	}

	/** A listener that queues what it gets, for the test thread to wait on. */
	private static final class Lines implements java.util.function.Consumer<List<LogLine>> {

		final BlockingQueue<LogLine> queue = new LinkedBlockingQueue<>();

		final List<LogLine> all = new ArrayList<>();

		@Override
		public void accept(List<LogLine> batch) {
			this.queue.addAll(batch);
		}

		/** Waits for the next {@code n} lines, failing if they have not come after a generous while. */
		List<LogLine> take(int n) throws InterruptedException {
			List<LogLine> got = new ArrayList<>();
			for (int i = 0; i < n; i++) {
				LogLine line = this.queue.poll(20, TimeUnit.SECONDS);
				assertThat(line).as("line %d of %d", i + 1, n).isNotNull();
				got.add(line);
			}
			this.all.addAll(got);
			return got;
		}

	}

}
