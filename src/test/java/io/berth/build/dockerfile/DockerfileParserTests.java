package io.berth.build.dockerfile;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.berth.build.dockerfile.Instruction.From;
import io.berth.build.dockerfile.Instruction.Healthcheck;
import io.berth.error.InvalidParameterException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The Dockerfile parser and {@link ShellLex} against what moby's parser, instructions and shell lexer give. */
class DockerfileParserTests {

	private static Dockerfile parse(String text) {
		return Dockerfile.parse(text);
	}

	/** The instructions after the leading {@code FROM x}. */
	private static List<Instruction> body(String text) {
		List<Instruction> all = parse("FROM x\n" + text).instructions();
		return all.subList(1, all.size());
	}

	private static Instruction only(String text) {
		List<Instruction> body = body(text);
		assertThat(body).hasSize(1);
		return body.get(0);
	}

	private static void assertError(String text, String message) {
		assertThatExceptionOfType(DockerfileException.class).isThrownBy(() -> parse(text)).withMessage(message);
	}

	private static Map.Entry<String, @Nullable String> pair(String key, @Nullable String value) {
		return new SimpleImmutableEntry<>(key, value);
	}

	@Nested
	class Lines {

		@Test
		void continuationsJoinLinesAsWrittenWithoutAddingSpace() {
			Dockerfile d = parse("FROM busybox\nRUN echo a \\\n    && echo b\\\n&& echo c\nCMD x\n");
			Instruction run = d.instructions().get(1);
			assertThat(run.keyword()).isEqualTo("RUN");
			assertThat(run.rest()).isEqualTo("echo a     && echo b&& echo c");
			assertThat(run.original()).isEqualTo("RUN echo a     && echo b&& echo c");
			assertThat(run.line()).isEqualTo(2);
			assertThat(d.instructions().get(2).line()).isEqualTo(5);
		}

		@Test
		void blanksAndTabsAfterTheContinuationEscapeAreIgnored() {
			Instruction run = only("RUN a \\ \t \nb\n");
			assertThat(run.rest()).isEqualTo("a b");
		}

		@Test
		void commentAndEmptyLinesInsideAContinuationAreSkipped() {
			Dockerfile d = parse("FROM x\nRUN apt-get update \\\n  # the packages\n\n   \\\n  && apt-get install -y a\n"
					+ "USER nobody\n");
			assertThat(d.instructions().get(1).rest()).isEqualTo("apt-get update      && apt-get install -y a");
			assertThat(d.instructions().get(2).line()).isEqualTo(7);
		}

		@Test
		void anEscapedEscapeAtTheEndIsNotAContinuation() {
			List<Instruction> body = body("RUN echo \\\\\nUSER x\n");
			assertThat(body).extracting(Instruction::rest).containsExactly("echo \\\\", "x");
		}

		@Test
		void aContinuationAtTheEndOfTheFileEndsTheInstruction() {
			assertThat(only("RUN echo hi \\").rest()).isEqualTo("echo hi");
		}

		@Test
		void commentsBlankLinesAndIndentationAreSkippedAndLinesCounted() {
			Dockerfile d = parse("# comment\n\n   FROM x   \n\t# indented comment\n  run   echo   hi  \n");
			assertThat(d.instructions()).extracting(Instruction::line).containsExactly(3, 5);
			assertThat(d.instructions().get(1).keyword()).isEqualTo("RUN");
			assertThat(d.instructions().get(1).rest()).isEqualTo("echo   hi");
			assertThat(d.instructions().get(1).original()).isEqualTo("run   echo   hi");
		}

		@Test
		void carriageReturnsAndAByteOrderMarkAreDropped() {
			Dockerfile d = parse("\uFEFFFROM x\r\nRUN a \\\r\n  b\r\nCMD c\r\n");
			assertThat(d.instructions()).extracting(Instruction::original).containsExactly("FROM x", "RUN a   b",
					"CMD c");
		}

		@Test
		void theOriginalIsWhatTheClassicBuilderPrintsAfterTheStepNumber() {
			Dockerfile d = parse("FROM busybox\nCOPY   --chown=1:1   a  b\n");
			assertThat("Step 2/2 : " + d.instructions().get(1).original())
				.isEqualTo("Step 2/2 : COPY   --chown=1:1   a  b");
		}

		@Test
		void keywordsAreCaseInsensitive() {
			assertThat(parse("from x\nWorkDir /a\nmaintainer me\n").instructions()).extracting(Instruction::keyword)
				.containsExactly("FROM", "WORKDIR", "MAINTAINER");
		}

	}

	@Nested
	class Directives {

		@Test
		void escapeDirectiveMakesTheBacktickTheEscapeAndContinuation() {
			Dockerfile d = parse("# escape=`\nFROM windows\nRUN dir c:\\ `\n  && echo `$HOME\n"
					+ "ENV PATH=c:\\bin `\n  A=x` y\n");
			assertThat(d.escape()).isEqualTo('`');
			assertThat(d.instructions().get(1).rest()).isEqualTo("dir c:\\   && echo `$HOME");
			Instruction env = d.instructions().get(2);
			assertThat(env.escape()).isEqualTo('`');
			assertThat(env.keyValues()).containsExactly(pair("PATH", "c:\\bin"), pair("A", "x y"));
			assertThat(ShellLex.expand("`$HOME c:\\x", d.escape(), (n) -> "h")).isEqualTo("$HOME c:\\x");
		}

		@Test
		void syntaxIsRecordedAndDirectiveNamesAreCaseInsensitive() {
			Dockerfile d = parse("#  SYNTAX = docker/dockerfile:1.7  \n# Escape=\\\n# check=skip=all\nFROM x\n");
			assertThat(d.syntax()).isEqualTo("docker/dockerfile:1.7");
			assertThat(d.escape()).isEqualTo('\\');
			assertThat(parse("FROM x\n").syntax()).isNull();
		}

		@Test
		void directivesAfterACommentABlankLineOrAnInstructionAreComments() {
			assertThat(parse("# a comment\n# escape=`\nFROM x\nRUN a `\nUSER b\n").escape()).isEqualTo('\\');
			assertThat(parse("# a comment\n# escape=`\nFROM x\nRUN a `\nUSER b\n").instructions()).hasSize(3);
			assertThat(parse("\n# escape=`\nFROM x\n").escape()).isEqualTo('\\');
			assertThat(parse("FROM x\n# escape=`\nRUN a\n").escape()).isEqualTo('\\');
			assertThat(parse("# unknown=1\n# syntax=a\nFROM x\n").syntax()).isNull();
		}

		@Test
		void aRepeatedOrInvalidDirectiveIsAnError() {
			assertError("# escape=`\n# escape=\\\nFROM x\n",
					"Dockerfile parse error line 2: only one escape parser directive can be used");
			assertError("# escape=x\nFROM x\n",
					"Dockerfile parse error line 1: invalid escape token 'x' does not match ` or \\");
		}

	}

	@Nested
	class Errors {

		@Test
		void unknownInstructionIsReportedAtItsFirstLine() {
			assertError("FROM x\nRUN a\nFOO bar \\\n baz\n", "Dockerfile parse error line 3: unknown instruction: FOO");
			assertError("FROM x\nfoo\n", "Dockerfile parse error line 2: unknown instruction: FOO");
		}

		@Test
		void errorsAreInvalidParameterExceptionsCarryingTheirLine() {
			assertThatExceptionOfType(InvalidParameterException.class).isThrownBy(() -> parse("FROM x\nNOPE\n"))
				.isInstanceOfSatisfying(DockerfileException.class, (ex) -> assertThat(ex.line()).isEqualTo(2));
		}

		@Test
		void anEmptyFileOrOneWithoutInstructionsIsRefused() {
			assertError("", "the Dockerfile (Dockerfile) cannot be empty");
			assertError("# only a comment\n\n   \n", "file with no instructions");
		}

		@Test
		void onlyArgMayComeBeforeTheFirstFrom() {
			assertError("RUN echo\nFROM x\n", "Dockerfile parse error line 1: no build stage in current context");
			assertError("ARG A=1\n\nENV B=2\n", "Dockerfile parse error line 3: no build stage in current context");
			assertThat(parse("ARG V=1\nARG B\nFROM x:$V\n").instructions()).extracting(Instruction::keyword)
				.containsExactly("ARG", "ARG", "FROM");
		}

		@Test
		void argumentCountsAreCheckedAsDockerChecksThem() {
			assertError("FROM x\nCOPY a\n", "Dockerfile parse error line 2: COPY requires at least two arguments, "
					+ "but only one was provided. Destination could not be determined");
			assertError("FROM x\nWORKDIR\n", "Dockerfile parse error line 2: WORKDIR requires exactly one argument");
			assertError("FROM x\nEXPOSE\n", "Dockerfile parse error line 2: EXPOSE requires at least one argument");
			assertError("FROM x\nENV\n", "Dockerfile parse error line 2: ENV requires at least one argument");
			assertError("FROM x\nARG\n", "Dockerfile parse error line 2: ARG requires at least one argument");
			assertError("FROM x\nVOLUME [\"\"]\n",
					"Dockerfile parse error line 2: VOLUME specified can not be an empty string");
			assertError("FROM x\nSHELL /bin/bash -c\n",
					"Dockerfile parse error line 2: SHELL requires the arguments to be in JSON form");
			assertError("FROM x\nSHELL []\n", "Dockerfile parse error line 2: SHELL requires at least one argument");
		}

		@Test
		void maintainerIsDeprecatedButAccepted() {
			Instruction m = only("MAINTAINER Jane Doe <jane@example.com>\n");
			assertThat(m.args()).containsExactly("Jane Doe <jane@example.com>");
		}

	}

	@Nested
	class Flags {

		@Test
		void knownFlagsAreReadWithQuotesRemovedAndBoolsNormalised() {
			Instruction copy = only("COPY --from=build --chown=\"app user\":app --chmod=0644 --link a b\n");
			assertThat(copy.flags()).containsExactly(Map.entry("from", "build"), Map.entry("chown", "app user:app"),
					Map.entry("chmod", "0644"), Map.entry("link", "true"));
			assertThat(copy.rest()).isEqualTo("a b");
			assertThat(only("ADD --link=FALSE --keep-git-dir --checksum=sha256:abc x y\n").flags())
				.containsExactly(Map.entry("link", "false"), Map.entry("keep-git-dir", "true"),
						Map.entry("checksum", "sha256:abc"));
			assertThat(only("COPY --parents --exclude=*.md --exclude=*.txt . /app\n").flags())
				.containsEntry("parents", "true")
				.containsEntry("exclude", "*.txt");
		}

		@Test
		void repeatableFlagsKeepEveryValue() {
			Instruction run = only("RUN --mount=type=cache,target=/root/.cache --network=none "
					+ "--mount=type=secret,id=a make\n");
			assertThat(run.flagValues("mount")).containsExactly("type=cache,target=/root/.cache", "type=secret,id=a");
			assertThat(run.flags()).containsEntry("network", "none");
			assertThat(run.rest()).isEqualTo("make");
		}

		@Test
		void unknownFlagsAreNamed() {
			assertError("FROM x\nRUN --foo echo\n", "Dockerfile parse error line 2: unknown flag: foo");
			assertError("FROM x\nCOPY --platform=linux a b\n", "Dockerfile parse error line 2: unknown flag: platform");
			assertError("FROM x\nCMD --help\n", "Dockerfile parse error line 2: unknown flag: help");
			assertError("FROM --from=y x\n", "Dockerfile parse error line 1: unknown flag: from");
		}

		@Test
		void badFlagValuesAreErrors() {
			assertError("FROM x\nCOPY --from a b\n", "Dockerfile parse error line 2: missing a value on flag: from");
			assertError("FROM x\nCOPY --link= a b\n", "Dockerfile parse error line 2: missing a value on flag: link");
			assertError("FROM x\nCOPY --link=maybe a b\n",
					"Dockerfile parse error line 2: expecting boolean value for flag link, not: maybe");
			assertError("FROM x\nCOPY --from=a --from=b c d\n",
					"Dockerfile parse error line 2: duplicate flag specified: from");
		}

		@Test
		void flagsStopAtTheFirstOtherWordOrAtDoubleDash() {
			Instruction run = only("RUN -- --network=host echo\n");
			assertThat(run.flags()).isEmpty();
			assertThat(run.rest()).isEqualTo("--network=host echo");
			assertThat(only("RUN echo --network=host\n").rest()).isEqualTo("echo --network=host");
		}

	}

	@Nested
	class Forms {

		@Test
		void aJsonArrayOfStringsIsExecForm() {
			Instruction cmd = only("CMD [ \"echo\", \"a b\", \"\\u00e9\\n\" ]\n");
			assertThat(cmd.isJson()).isTrue();
			assertThat(cmd.execForm()).containsExactly("echo", "a b", "\u00e9\n");
			assertThat(cmd.commandLine()).containsExactly("echo", "a b", "\u00e9\n");
			assertThat(only("ENTRYPOINT []\n").execForm()).isEmpty();
		}

		@Test
		void anythingThatIsNotValidJsonIsShellForm() {
			for (String rest : List.of("[\"a\", 'b']", "[\"a\"] && b", "[\"a\",]", "echo [\"a\"]", "[a]")) {
				Instruction cmd = only("CMD " + rest + "\n");
				assertThat(cmd.isJson()).as(rest).isFalse();
				assertThat(cmd.commandLine()).as(rest).containsExactly(rest);
			}
			Instruction cmd = only("CMD [\"a\", 'b']\n");
			assertThatIllegalStateException().isThrownBy(cmd::execForm);
			assertThat(only("RUN\n").commandLine()).isEmpty();
		}

		@Test
		void validJsonWithNonStringsIsAnError() {
			String message = "Dockerfile parse error line 2: when using JSON array syntax, arrays must be comprised "
					+ "of strings only";
			assertError("FROM x\nCMD [1]\n", message);
			assertError("FROM x\nRUN [\"a\", {\"b\": [null, true]}]\n", message);
			assertThat(only("RUN [1, 'x']\n").isJson()).isFalse();
		}

		@Test
		void copyAndVolumeTakeJsonOrWhitespaceSeparatedWords() {
			assertThat(only("COPY [\"a b\", \"/c d/\"]\n").args()).containsExactly("a b", "/c d/");
			assertThat(only("COPY a\t b   c\n").args()).containsExactly("a", "b", "c");
			assertThat(only("VOLUME [\"/data\"]\n").words()).containsExactly("/data");
			assertThat(only("EXPOSE 80/tcp   443\n").words()).containsExactly("80/tcp", "443");
			assertThat(only("WORKDIR /a b\n").words()).containsExactly("/a b");
		}

	}

	@Nested
	class Heredocs {

		@Test
		void severalHeredocsOnOneLineAreReadInOrder() {
			Dockerfile d = parse("FROM x\nRUN <<EOF cat <<-\"EOT\" >/f\necho $X\nEOF\n\tindented\n\t\tdeeper\n\tEOT\n"
					+ "USER a\n");
			Instruction run = d.instructions().get(1);
			assertThat(run.rest()).isEqualTo("<<EOF cat <<-\"EOT\" >/f");
			assertThat(run.heredocs()).containsExactly(new Heredoc("EOF", "echo $X\n", true, false),
					new Heredoc("EOT", "indented\ndeeper\n", false, true));
			assertThat(d.instructions().get(2).line()).isEqualTo(8);
		}

		@Test
		void anyQuoteInTheNameTurnsExpansionOff() {
			assertThat(only("RUN <<'EOF'\n$A\nEOF\n").heredocs()).containsExactly(new Heredoc("EOF", "$A\n", false,
					false));
			assertThat(only("RUN <<E\"O\"F\n$A\nEOF\n").heredocs().get(0).expand()).isFalse();
			assertThat(only("RUN 3<<EOF\nx\nEOF\n").heredocs()).containsExactly(new Heredoc("EOF", "x\n", true, false));
		}

		@Test
		void theTerminatorMustBeAloneButMayEndInCarriageReturn() {
			Instruction run = only("RUN <<EOF\n EOF\nEOF \nEOF\r\n");
			assertThat(run.heredocs().get(0).content()).isEqualTo(" EOF\nEOF \n");
			Instruction chomped = only("RUN <<-EOF\n\t\ta\n\t\tEOF\n");
			assertThat(chomped.heredocs().get(0).content()).isEqualTo("a\n");
		}

		@Test
		void copyTakesHeredocsAsSourcesButNotAsDestination() {
			Instruction copy = only("COPY <<one <<two /dest/\nfirst\none\nsecond\ntwo\n");
			assertThat(copy.heredocs()).extracting(Heredoc::name).containsExactly("one", "two");
			assertThat(copy.args()).containsExactly("<<one", "<<two", "/dest/");
			assertError("FROM x\nCOPY a <<EOF\nx\nEOF\n",
					"Dockerfile parse error line 2: COPY cannot accept a heredoc as a destination");
		}

		@Test
		void onlyShellFormRunCopyAndAddTakeHeredocs() {
			assertThat(body("ENV A=<<EOF\nUSER x\n")).extracting(Instruction::keyword).containsExactly("ENV", "USER");
			assertThat(body("RUN [\"cat\", \"<<EOF\"]\nUSER x\n")).hasSize(2);
			assertThat(body("RUN echo a<<EOF\nUSER x\n")).hasSize(2);
			assertThat(body("RUN cat \"<<EOF\"\nUSER x\n")).hasSize(2);
		}

		@Test
		void anUnterminatedHeredocIsAnError() {
			assertError("FROM x\nRUN <<EOF\necho\n", "Dockerfile parse error line 2: unterminated heredoc");
			assertError("FROM x\nRUN <<A <<B\nA\nb\n", "Dockerfile parse error line 2: unterminated heredoc");
		}

		@Test
		void heredocsFollowAnOnbuildTrigger() {
			Instruction onbuild = only("ONBUILD RUN <<EOF\necho hi\nEOF\n");
			assertThat(onbuild.heredocs()).containsExactly(new Heredoc("EOF", "echo hi\n", true, false));
			assertThat(onbuild.triggerExpression()).isEqualTo("RUN <<EOF\necho hi\nEOF");
			assertThat(onbuild.trigger().heredocs()).isEqualTo(onbuild.heredocs());
			List<Instruction> again = Dockerfile.parseTrigger(onbuild.triggerExpression());
			assertThat(again).singleElement().satisfies((i) -> {
				assertThat(i.keyword()).isEqualTo("RUN");
				assertThat(i.heredocs()).isEqualTo(onbuild.heredocs());
			});
		}

	}

	@Nested
	class Onbuild {

		@Test
		void theTriggerIsAnInstructionOfItsOwn() {
			Instruction onbuild = only("ONBUILD COPY --chown=1:1 . /app\n");
			assertThat(onbuild.rest()).isEqualTo("COPY --chown=1:1 . /app");
			assertThat(onbuild.args()).containsExactly("COPY", ".", "/app");
			Instruction trigger = onbuild.trigger();
			assertThat(trigger.keyword()).isEqualTo("COPY");
			assertThat(trigger.flags()).containsExactly(Map.entry("chown", "1:1"));
			assertThat(trigger.rest()).isEqualTo(". /app");
			assertThat(trigger.flagValues("chown")).containsExactly("1:1");
			assertThat(onbuild.triggerExpression()).isEqualTo("COPY --chown=1:1 . /app");
		}

		@Test
		void chainingFromAndMaintainerAreRefused() {
			assertError("FROM x\nONBUILD ONBUILD RUN x\n",
					"Dockerfile parse error line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
			assertError("FROM x\nonbuild from y\n",
					"Dockerfile parse error line 2: FROM isn't allowed as an ONBUILD trigger");
			assertError("FROM x\nONBUILD MAINTAINER me\n",
					"Dockerfile parse error line 2: MAINTAINER isn't allowed as an ONBUILD trigger");
			assertError("FROM x\nONBUILD\n", "Dockerfile parse error line 2: ONBUILD requires at least one argument");
		}

		@Test
		void aBadTriggerFailsOnlyWhenAChildBuildRunsIt() {
			Instruction onbuild = only("ONBUILD NOPE x\n");
			assertThatExceptionOfType(DockerfileException.class).isThrownBy(onbuild::trigger)
				.withMessage("Dockerfile parse error line 2: unknown instruction: NOPE");
			assertThatExceptionOfType(DockerfileException.class)
				.isThrownBy(() -> Dockerfile.parseTrigger(onbuild.triggerExpression()))
				.withMessage("Dockerfile parse error line 1: unknown instruction: NOPE");
		}

		@Test
		void storedTriggersParseWithoutAStage() {
			assertThat(Dockerfile.parseTrigger("RUN echo hi")).singleElement()
				.satisfies((i) -> assertThat(i.commandLine()).containsExactly("echo hi"));
			assertThatExceptionOfType(DockerfileException.class).isThrownBy(() -> Dockerfile.parseTrigger("FROM x"))
				.withMessage("Dockerfile parse error line 1: FROM isn't allowed as an ONBUILD trigger");
		}

	}

	@Nested
	class Froms {

		@Test
		void imageStageNameAndPlatformAreRead() {
			From from = parse("FROM --platform=linux/arm64 golang:1.22 AS Build\n").instructions().get(0).from();
			assertThat(from).isEqualTo(new From("golang:1.22", "build", "linux/arm64"));
			assertThat(parse("from busybox as b-1.x_y\n").instructions().get(0).from())
				.isEqualTo(new From("busybox", "b-1.x_y", null));
			assertThat(From.parse("alpine")).isEqualTo(new From("alpine", null, null));
			assertThat(From.parse("  ${BASE}:${TAG}  aS  s ")).isEqualTo(new From("${BASE}:${TAG}", "s", null));
		}

		@Test
		void malformedFromsAreRefused() {
			assertError("FROM a b\n", "Dockerfile parse error line 1: FROM requires either one or three arguments");
			assertError("FROM\n", "Dockerfile parse error line 1: FROM requires either one or three arguments");
			assertError("FROM a AS 1st\n", "Dockerfile parse error line 1: invalid name for build stage: \"1st\", "
					+ "name can't start with a number or contain symbols");
			assertThatExceptionOfType(DockerfileException.class).isThrownBy(() -> From.parse("a AS b c"))
				.withMessage("FROM requires either one or three arguments");
			Instruction run = only("RUN x\n");
			assertThatIllegalStateException().isThrownBy(run::from);
		}

	}

	@Nested
	class Healthchecks {

		@Test
		void shellFormIsCmdShellAndDurationsAreNanoseconds() {
			Healthcheck h = only("HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=1.5h "
					+ "--start-interval=2s --retries=3 CMD curl -f http://localhost/ || exit 1\n")
				.healthcheck();
			assertThat(h.test()).containsExactly("CMD-SHELL", "curl -f http://localhost/ || exit 1");
			assertThat(h.interval()).isEqualTo(90_000_000_000L);
			assertThat(h.timeout()).isEqualTo(500_000_000L);
			assertThat(h.startPeriod()).isEqualTo(5_400_000_000_000L);
			assertThat(h.startInterval()).isEqualTo(2_000_000_000L);
			assertThat(h.retries()).isEqualTo(3);
		}

		@Test
		void execFormIsCmdAndNoneTurnsItOff() {
			Healthcheck h = only("HEALTHCHECK cmd [\"/bin/check\", \"-q\"]\n").healthcheck();
			assertThat(h).isEqualTo(new Healthcheck(List.of("CMD", "/bin/check", "-q"), 0, 0, 0, 0, 0));
			Healthcheck none = only("HEALTHCHECK NONE\n").healthcheck();
			assertThat(none.test()).containsExactly("NONE");
			assertThat(none.isNone()).isTrue();
			assertThat(Healthcheck.parse("CMD true", Map.of("interval", "0", "timeout", "10ms")))
				.isEqualTo(new Healthcheck(List.of("CMD-SHELL", "true"), 0, 10_000_000, 0, 0, 0));
		}

		@Test
		void badHealthchecksAreRefusedWithDockersWords() {
			Map<String, String> cases = new HashMap<>();
			cases.put("HEALTHCHECK --interval=10 CMD x", "time: missing unit in duration \"10\"");
			cases.put("HEALTHCHECK --interval=5y CMD x", "time: unknown unit \"y\" in duration \"5y\"");
			cases.put("HEALTHCHECK --timeout=abc CMD x", "time: invalid duration \"abc\"");
			cases.put("HEALTHCHECK --timeout=999999999999h CMD x", "time: invalid duration \"999999999999h\"");
			cases.put("HEALTHCHECK --interval=500us CMD x", "Interval \"interval\" cannot be less than 1ms");
			cases.put("HEALTHCHECK --retries=-1 CMD x", "--retries cannot be negative (-1)");
			cases.put("HEALTHCHECK --retries=three CMD x", "strconv.ParseInt: parsing \"three\": invalid syntax");
			cases.put("HEALTHCHECK --retries=99999999999 CMD x",
					"strconv.ParseInt: parsing \"99999999999\": value out of range");
			cases.put("HEALTHCHECK CMD", "Missing command after HEALTHCHECK CMD");
			cases.put("HEALTHCHECK CMD []", "Missing command after HEALTHCHECK CMD");
			cases.put("HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments");
			cases.put("HEALTHCHECK RUN x", "Unknown type \"RUN\" in HEALTHCHECK (try CMD)");
			cases.put("HEALTHCHECK --count=1 CMD x", "unknown flag: count");
			cases.put("HEALTHCHECK", "HEALTHCHECK requires at least one argument");
			cases.forEach((line, message) -> assertError("FROM x\n" + line + "\n",
					"Dockerfile parse error line 2: " + message));
		}

	}

	@Nested
	class KeyValues {

		@Test
		void pairsHaveQuotesRemovedAndEscapesProcessed() {
			assertThat(Instruction.keyValues("a=1 b=\"two words\" c=x\\ y d='$e' f=", true)).containsExactly(
					pair("a", "1"), pair("b", "two words"), pair("c", "x y"), pair("d", "$e"), pair("f", ""));
		}

		@Test
		void theLegacyFormIsOnePairWithTheRestOfTheLineAsValue() {
			assertThat(Instruction.keyValues("PATH /usr/bin:/bin   and  more", true))
				.containsExactly(pair("PATH", "/usr/bin:/bin   and  more"));
			assertThat(only("LABEL description \"a quoted one\"\n").keyValues())
				.containsExactly(pair("description", "a quoted one"));
		}

		@Test
		void argWithoutADefaultHasANullValue() {
			assertThat(Instruction.keyValues("VERSION TAG=latest EMPTY=", false))
				.containsExactly(pair("VERSION", null), pair("TAG", "latest"), pair("EMPTY", ""));
			assertThat(only("ARG A B=\"x y\"\n").keyValues()).containsExactly(pair("A", null), pair("B", "x y"));
		}

		@Test
		void eachKeyAndValueIsExpandedOnItsOwn() {
			Function<String, @Nullable String> env = Map.of("X", "ex", "SP", "s p")::get;
			assertThat(only("ENV A='$X' B=\"$X\" C=$X D=$SP ${X}=1\n").keyValues(env)).containsExactly(
					pair("A", "$X"), pair("B", "ex"), pair("C", "ex"), pair("D", "s p"), pair("ex", "1"));
			assertThat(Instruction.keyValues("N=${X:-d}", false, '\\', env)).containsExactly(pair("N", "ex"));
		}

		@Test
		void malformedPairsAreRefused() {
			assertError("FROM x\nENV a=b c\n", "Dockerfile parse error line 2: Syntax error - can't find = in \"c\". "
					+ "Must be of the form: name=value");
			assertError("FROM x\nENV a\n", "Dockerfile parse error line 2: ENV must have two arguments");
			assertError("FROM x\nLABEL =x\n", "Dockerfile parse error line 2: LABEL names can not be blank");
			assertError("ARG =x\nFROM x\n", "Dockerfile parse error line 1: ARG names can not be blank");
		}

	}

	@Nested
	class Words {

		@Test
		void wordsSplitAtWhitespaceAndLoseTheirQuotes() {
			assertThat(Instruction.words("'a'  \"b\"\tc\\d")).containsExactly("a", "b", "cd");
			assertThat(Instruction.words("[\"a b\", \"c\"]")).containsExactly("a b", "c");
		}

		@Test
		void quotesDoNotGroupWordsAsInDocker() {
			assertThatExceptionOfType(DockerfileException.class).isThrownBy(() -> Instruction.words("\"a b\" c"))
				.withMessage("failed to process \"\\\"a\": unexpected end of statement while looking for matching "
						+ "double-quote");
		}

		@Test
		void eachWordIsExpandedOnItsOwn() {
			Function<String, @Nullable String> env = Map.of("SRC", "a b", "DEST", "/app")::get;
			assertThat(Instruction.words("$SRC ${DEST}/", '\\', env)).containsExactly("a b", "/app/");
			assertThat(only("COPY $SRC $DEST\n").words(env)).containsExactly("a b", "/app");
		}

	}

	@Nested
	class Expansion {

		private final Map<String, String> env = Map.of("A", "alpha", "E", "", "P", "/usr/local/bin/app.tar.gz",
				"S", "x  y");

		private String expand(String word) {
			return ShellLex.expand(word, '\\', this.env::get);
		}

		private void assertExpandError(String word, String message) {
			assertThatExceptionOfType(DockerfileException.class).isThrownBy(() -> expand(word)).withMessage(message);
		}

		@Test
		void variablesAndDefaultsExpand() {
			assertThat(expand("$A ${A} $B- ${B}")).isEqualTo("alpha alpha - ");
			assertThat(expand("${B:-def} ${E:-d2} ${E-d3} ${A:-no}")).isEqualTo("def d2  alpha");
			assertThat(expand("${A:+set} ${E:+set} ${E+set} ${B+set}|")).isEqualTo("set  set |");
			assertThat(expand("${B:-${A:+[${A}]}}")).isEqualTo("[alpha]");
			assertThat(expand("$ $1 $@ a$")).isEqualTo("$   a$");
		}

		@Test
		void quotesAndEscapes() {
			assertThat(expand("'$A' \"$A\" \\$A \"\\$A\" '\\$A'")).isEqualTo("$A alpha $A $A \\$A");
			assertThat(expand("\"a \\\"q\\\" \\n\"")).isEqualTo("a \"q\" \\n");
			assertThat(expand("it\\'s")).isEqualTo("it's");
			assertThat(ShellLex.expand("`$A \\", '`', this.env::get)).isEqualTo("$A \\");
			assertThat(ShellLex.unquote("'$A' \"${A}\" \\$", '\\')).isEqualTo("$A ${A} $");
		}

		@Test
		void patternModifiersTrimAndReplace() {
			assertThat(expand("${P##*/} ${P#*/} ${P%.*} ${P%%.*}"))
				.isEqualTo("app.tar.gz usr/local/bin/app.tar.gz /usr/local/bin/app.tar /usr/local/bin/app");
			assertThat(expand("${P/usr/opt} ${P//\\//:} ${A/l?h/L} ${A//a/}"))
				.isEqualTo("/opt/local/bin/app.tar.gz :usr:local:bin:app.tar.gz aLa lph");
		}

		@Test
		void wordsSplitExpandedValuesButNotQuotedOnes() {
			assertThat(ShellLex.expandWords("$S \"$S\" ''  ", '\\', this.env::get)).containsExactly("x", "y", "x  y");
		}

		@Test
		void requiredVariablesFailWithTheirMessage() {
			assertThat(expand("${A:?}")).isEqualTo("alpha");
			assertExpandError("${B:?must be set}", "failed to process \"${B:?must be set}\": B: must be set");
			assertExpandError("${B?}", "failed to process \"${B?}\": B: is not allowed to be unset");
			assertExpandError("${E:?}", "failed to process \"${E:?}\": E: is not allowed to be empty");
			assertThat(expand("${E?}")).isEmpty();
		}

		@Test
		void malformedSubstitutionsAreDockersErrors() {
			assertExpandError("${A:x}", "failed to process \"${A:x}\": unsupported modifier (:x) in substitution");
			assertExpandError("${A^}", "failed to process \"${A^}\": unsupported modifier (^) in substitution");
			assertExpandError("${}", "failed to process \"${}\": syntax error: bad substitution");
			assertExpandError("${:-x}", "failed to process \"${:-x}\": syntax error: bad substitution");
			assertExpandError("${A:-x", "failed to process \"${A:-x\": syntax error: missing '}'");
			assertExpandError("${", "failed to process \"${\": syntax error: missing '}'");
			assertExpandError("${A/x}", "failed to process \"${A/x}\": syntax error: missing '/' in ${}");
			assertExpandError("'open", "failed to process \"'open\": unexpected end of statement while looking "
					+ "for matching single-quote");
			assertExpandError("${A#\\x}", "failed to process \"${A#\\\\x}\": invalid pattern (\\x) in substitution: "
					+ "invalid escape '\\x'");
		}

		@Test
		void deepNestingIsRefusedInsteadOfOverflowingTheStack() {
			String deep = "${A:-".repeat(5000) + "}".repeat(5000);
			assertThatExceptionOfType(DockerfileException.class).isThrownBy(() -> expand(deep))
				.withMessageEndingWith("more than 200 nested substitutions");
			assertThat(expand("${B:-".repeat(50) + "z" + "}".repeat(50))).isEqualTo("z");
		}

		@Test
		void theExpandingInstructionsAreDockers() {
			assertThat(List.of("ADD", "copy", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME",
					"WORKDIR", "ARG"))
				.allMatch(ShellLex::expands);
			assertThat(List.of("RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK", "ONBUILD", "MAINTAINER"))
				.noneMatch(ShellLex::expands);
		}

	}

	@Nested
	class Records {

		@Test
		void recordsCheckAndCopyWhatTheyAreGiven() {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new Instruction("run", "x", Map.of(), 1, "run x", List.of()));
			assertThatIllegalArgumentException()
				.isThrownBy(() -> new Instruction("RUN", "x", Map.of(), 0, "RUN x", List.of()));
			assertThatIllegalArgumentException().isThrownBy(() -> new Heredoc("", "x", true, false));
			assertThatIllegalArgumentException().isThrownBy(() -> new Dockerfile(List.of(), '\\', null));
			Map<String, String> flags = new HashMap<>(Map.of("link", "true"));
			Instruction copy = new Instruction("COPY", "a b", flags, 3, "COPY --link a b", List.of());
			flags.clear();
			assertThat(copy.flags()).containsEntry("link", "true");
			assertThat(copy.escape()).isEqualTo('\\');
			assertThat(copy.words()).containsExactly("a", "b");
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> copy.flags().put("x", "y"));
		}

		@Test
		void parsingIsDeterministic() {
			String text = "# syntax=x\nARG V=1\nFROM a:$V AS b\nRUN <<EOF\nhi\nEOF\nCOPY --link [\"a\", \"b\"]\n";
			assertThat(parse(text)).isEqualTo(parse(text));
		}

	}

}
