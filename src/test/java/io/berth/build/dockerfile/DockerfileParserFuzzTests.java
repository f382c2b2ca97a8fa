package io.berth.build.dockerfile;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.berth.error.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link Dockerfile#parse} and {@link ShellLex} with Dockerfiles built from a small vocabulary (keywords,
 * flags, quotes, {@code $}, braces, both escapes, heredoc markers, directives, line breaks) and with raw text.
 * Whatever the input, parsing returns or refuses with {@link InvalidParameterException}, the same way twice; a parsed
 * file's instructions start on lines it has, in order; every typed reading of an instruction and every expansion
 * returns or refuses the same way. Anything else thrown (a runtime exception, a stack overflow) or a hang is a
 * finding. CI fuzzes for {@code maxDuration} (the {@code fuzz-dockerfile} execution in pom.xml sets JAZZER_FUZZ);
 * without JAZZER_FUZZ only the seeds in {@code DockerfileParserFuzzTestsInputs} run.
 */
class DockerfileParserFuzzTests {

	/** Fewer executions than this in fuzzing mode means Jazzer did not really fuzz. */
	private static final long MIN_FUZZ_EXECUTIONS = 1000;

	private static final AtomicLong executions = new AtomicLong();

	private static final AtomicLong parsed = new AtomicLong();

	private static final Map<String, String> ENV = Map.of("A", "alpha", "E", "", "S", "a  b", "P",
			"/usr/local/bin/app.tar.gz", "N", "${A}", "Q", "\"'\\");

	private static final Function<String, @Nullable String> LOOKUP = ENV::get;

	private static final Set<String> KEYWORDS = Set.of("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE",
			"FROM", "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
			"WORKDIR");

	private static final String[] LINE_STARTS = { "FROM", "RUN", "CMD", "COPY", "ADD", "ENV", "ARG", "LABEL",
			"EXPOSE", "USER", "WORKDIR", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "ONBUILD", "ONBUILD RUN",
			"ONBUILD ONBUILD", "MAINTAINER", "SHELL", "ENTRYPOINT", "from", "run", "FOO", "", "# escape=`",
			"# escape=\\", "# syntax=docker/dockerfile:1", "# comment", "#", "  ", "\uFEFF" };

	private static final String[] TOKENS = { " ", " ", " ", "\t", "\\", "\\\n", "`", "`\n", "\n", "\r\n", "#", "$",
			"{", "}", "${A}", "${A:-", "${B:-", "${A:+", "${E:?", "${P##*/}", "${P%.*}", "${P//a/b}", "${", ":", "-",
			"+", "?", "%", "/", "'", "\"", "[", "]", ",", "[\"a\", \"b\"]", "[1]", "[]", "=", "a=b", "<<", "<<-",
			"<<EOF", "<<-EOF", "<<\"EOF\"", "<<'E'", "2<<EOF", "EOF", "\tEOF", "E", "AS", "as", "--from=a",
			"--platform=linux/amd64", "--link", "--link=false", "--chown=1:1", "--mount=type=cache",
			"--interval=1s", "--timeout=1m30s", "--retries=3", "--start-period=500ms", "--", "--x", "--from",
			"CMD", "NONE", "\u00e9", "\u00a0", "\u2028", "a", "b", "0", "x y" };

	@FuzzTest(maxDuration = "15s")
	void parsesOrRefusesAnyText(FuzzedDataProvider data) {
		executions.incrementAndGet();
		String text;
		if (data.consumeBoolean()) {
			text = new String(data.consumeRemainingAsBytes(), StandardCharsets.UTF_8);
		}
		else {
			text = structured(data);
		}
		Object first = outcome(() -> Dockerfile.parse(text));
		Object second = outcome(() -> Dockerfile.parse(text));
		assertThat(second).as("parsing is deterministic").isEqualTo(first);
		if (first instanceof Dockerfile dockerfile) {
			parsed.incrementAndGet();
			checkParsed(text, dockerfile);
		}
		for (char escape : new char[] { '\\', '`' }) {
			Object word = outcome(() -> ShellLex.expand(text, escape, LOOKUP));
			assertThat(outcome(() -> ShellLex.expand(text, escape, LOOKUP))).isEqualTo(word);
			outcome(() -> ShellLex.expandWords(text, escape, LOOKUP));
			outcome(() -> ShellLex.unquote(text, escape));
		}
		outcome(() -> Instruction.keyValues(text, true));
		outcome(() -> Instruction.keyValues(text, false, '\\', LOOKUP));
		outcome(() -> Instruction.words(text, '`', LOOKUP));
		outcome(() -> Dockerfile.parseTrigger(text));
	}

	@AfterAll
	static void reportExecutions() {
		long count = executions.get();
		System.out.println("DockerfileParserFuzzTests: " + count + " executions, " + parsed.get() + " parsed");
		String fuzz = System.getenv("JAZZER_FUZZ");
		if (fuzz != null && !fuzz.isEmpty()) {
			assertThat(count).as("fuzzing executions").isGreaterThanOrEqualTo(MIN_FUZZ_EXECUTIONS);
		}
		else {
			assertThat(count).as("seed executions").isPositive();
		}
	}

	/** What a parsed Dockerfile must look like, and every typed reading of its instructions returning or refusing. */
	private static void checkParsed(String text, Dockerfile dockerfile) {
		int lines = lineCount(text);
		int previous = 0;
		for (Instruction i : dockerfile.instructions()) {
			assertThat(i.line()).as("line of %s", i.original()).isBetween(previous + 1, lines);
			previous = i.line();
			assertThat(KEYWORDS).contains(i.keyword());
			assertThat(i.rest()).doesNotContain("\n");
			assertThat(i.original()).doesNotContain("\n");
			for (Heredoc h : i.heredocs()) {
				assertThat(h.content().isEmpty() || h.content().endsWith("\n")).as("heredoc content").isTrue();
				if (h.chomp()) {
					assertThat(h.content()).doesNotStartWith("\t").doesNotContain("\n\t");
				}
			}
			readEverything(i);
		}
		assertThat(dockerfile.instructions().get(0).keyword()).isIn("FROM", "ARG");
	}

	private static void readEverything(Instruction i) {
		List<String> args = i.args();
		boolean json = i.isJson();
		if (json) {
			assertThat(i.execForm()).isNotNull();
		}
		assertThat(i.commandLine()).isNotNull();
		outcome(i::words);
		outcome(() -> i.words(LOOKUP));
		outcome(i::keyValues);
		outcome(() -> i.keyValues(LOOKUP));
		outcome(() -> i.flagValues("mount"));
		for (String arg : args) {
			outcome(() -> ShellLex.expand(arg, i.escape(), LOOKUP));
		}
		switch (i.keyword()) {
			case "FROM" -> {
				assertThat(i.from().image()).isNotEmpty();
				outcome(() -> Instruction.From.parse(i.rest()));
			}
			case "HEALTHCHECK" -> assertThat(i.healthcheck().test()).isNotEmpty();
			case "ONBUILD" -> {
				outcome(i::trigger);
				outcome(() -> Dockerfile.parseTrigger(i.triggerExpression()));
			}
			default -> {
			}
		}
	}

	/** Lines as the parser counts them: each newline ends one, and text after the last newline is one more. */
	private static int lineCount(String text) {
		int count = 0;
		for (int k = 0; k < text.length(); k++) {
			if (text.charAt(k) == '\n') {
				count++;
			}
		}
		return (text.isEmpty() || text.endsWith("\n")) ? count : count + 1;
	}

	private static String structured(FuzzedDataProvider data) {
		// Half the files start with a stage, so most of them get past the "no build stage" check.
		StringBuilder text = new StringBuilder(data.consumeBoolean() ? "FROM x\n" : "");
		int lines = data.consumeInt(1, 8);
		for (int l = 0; l < lines && data.remainingBytes() > 0; l++) {
			text.append(data.pickValue(LINE_STARTS));
			int tokens = data.consumeInt(0, 12);
			for (int t = 0; t < tokens && data.remainingBytes() > 0; t++) {
				if (data.consumeInt(0, 9) == 0) {
					text.append(data.consumeString(8));
				}
				else {
					text.append(data.pickValue(TOKENS));
				}
			}
			text.append(data.consumeBoolean() ? "\n" : data.pickValue(new String[] { "\\\n", "`\n", "\r\n", "" }));
		}
		return text.toString();
	}

	/**
	 * The value, or a {@link Refusal} with the message of the {@link InvalidParameterException} it was refused with;
	 * anything else thrown fails the run.
	 */
	private static Object outcome(Supplier<?> run) {
		try {
			return run.get();
		}
		catch (InvalidParameterException ex) {
			return new Refusal(String.valueOf(ex.getMessage()));
		}
	}

	/**
	 * A refusal, compared by message; a record without annotated components, which Jazzer 0.24's instrumentation
	 * would corrupt.
	 */
	record Refusal(String message) {
	}

}
