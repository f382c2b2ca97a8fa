package io.berth.build.dockerfile;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.berth.build.dockerfile.LineSyntax.Args;
import io.berth.build.dockerfile.LineSyntax.Split;
import org.jspecify.annotations.Nullable;

/**
 * One Dockerfile instruction as the classic builder sees it once its lines are joined, with typed readings of its
 * arguments so the builder never re-parses text. Arguments come back as written: expanding them is the builder's
 * step, with {@link ShellLex} and the values in scope at that point, for the instructions
 * {@link ShellLex#expands} names.
 * @param keyword the instruction in upper case ({@code RUN}, {@code COPY}, ...)
 * @param rest the text after the keyword and its flags, continuation lines joined, trimmed
 * @param flags the {@code --name[=value]} flags given, checked against those the instruction takes; a bool flag's
 * value is "true" or "false", a repeatable flag's ({@code --mount}, {@code --exclude}) is its last value (see
 * {@link #flagValues})
 * @param line the 1-based line the instruction starts on
 * @param original the instruction as written, continuation lines joined, trimmed: what the classic builder prints
 * after {@code Step N/M : } and keys its cache on
 * @param heredocs the heredoc bodies that follow the instruction, in the order of their markers
 * @param escape the Dockerfile's escape character, which ENV, LABEL and ARG words are split with
 */
public record Instruction(String keyword, String rest, Map<String, String> flags, int line, String original,
		List<Heredoc> heredocs, char escape) {

	private static final Pattern ONBUILD_PREFIX = Pattern.compile("(?i)^[\\t\\n\\f\\r ]*ONBUILD[\\t\\n\\f\\r ]*");

	public Instruction {
		Objects.requireNonNull(keyword, "keyword");
		Objects.requireNonNull(rest, "rest");
		Objects.requireNonNull(original, "original");
		if (keyword.isEmpty() || !keyword.equals(keyword.toUpperCase(Locale.ROOT))) {
			throw new IllegalArgumentException("keyword must be upper case: " + keyword);
		}
		if (line < 1) {
			throw new IllegalArgumentException("line must be 1 or more: " + line);
		}
		if (escape != '\\' && escape != '`') {
			throw new IllegalArgumentException("escape must be \\ or `: " + escape);
		}
		flags = Collections.unmodifiableMap(new LinkedHashMap<>(flags));
		heredocs = List.copyOf(heredocs);
	}

	/** An instruction in a Dockerfile using the default escape character. */
	public Instruction(String keyword, String rest, Map<String, String> flags, int line, String original,
			List<Heredoc> heredocs) {
		this(keyword, rest, flags, line, original, heredocs, '\\');
	}

	/**
	 * The arguments as Docker's parser gives them, quotes and escapes still in: the JSON strings for exec form;
	 * otherwise, by instruction, the whole rest (RUN, CMD, ENTRYPOINT, SHELL, USER, WORKDIR, STOPSIGNAL,
	 * MAINTAINER), words split at whitespace only (COPY, ADD, VOLUME, EXPOSE, FROM), words split outside quotes
	 * (ARG), key and value alternating (ENV, LABEL), the type then the command (HEALTHCHECK), or the trigger's
	 * keyword then its arguments (ONBUILD).
	 */
	public List<String> args() {
		return parsedArgs().values();
	}

	/**
	 * Whether the arguments are in exec form, a JSON array of strings; anything else that does not parse as JSON is
	 * shell form. For HEALTHCHECK this is the command after {@code CMD}; ONBUILD has no form of its own.
	 */
	public boolean isJson() {
		return parsedArgs().json();
	}

	/**
	 * The exec-form strings: the JSON array of RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD or VOLUME, or of the command
	 * after HEALTHCHECK's {@code CMD}.
	 * @throws IllegalStateException in shell form; check {@link #isJson()} first
	 */
	public List<String> execForm() {
		if (!isJson()) {
			throw new IllegalStateException(this.keyword + " is in shell form: " + this.original);
		}
		return command();
	}

	/**
	 * The command line as the builder runs it: the exec-form strings, or in shell form one string with the whole
	 * command to hand to the shell, or nothing when the instruction has no command (as moby's
	 * {@code handleJSONArgs}).
	 */
	public List<String> commandLine() {
		return InstructionRules.commandLine(command(), isJson());
	}

	private List<String> command() {
		List<String> args = args();
		return this.keyword.equals("HEALTHCHECK") && !args.isEmpty() ? args.subList(1, args.size()) : args;
	}

	/** Every value given for a flag, in order: all the {@code --mount}s of a RUN, or all the {@code --exclude}s. */
	public List<String> flagValues(String name) {
		return InstructionRules.flagValues(LineSyntax.splitCommand(this.original).flags(), name);
	}

	/**
	 * The pairs of an ENV, LABEL or ARG with quotes removed and escapes processed but nothing expanded; an ARG
	 * without a default has a null value.
	 */
	public List<Map.Entry<String, @Nullable String>> keyValues() {
		return pairs(args(), this.keyword.equals("ARG"), this.escape, null);
	}

	/**
	 * The pairs of an ENV, LABEL or ARG, each key and value expanded on its own as Docker does; an ARG without a
	 * default has a null value.
	 * @param lookup a variable's value, or null when unset
	 * @throws DockerfileException when an expansion fails
	 */
	public List<Map.Entry<String, @Nullable String>> keyValues(Function<String, @Nullable String> lookup) {
		return pairs(args(), this.keyword.equals("ARG"), this.escape, lookup);
	}

	/**
	 * The words of a COPY, ADD, VOLUME or EXPOSE (or the one word of USER, WORKDIR or STOPSIGNAL) with quotes
	 * removed and escapes processed but nothing expanded.
	 * @throws DockerfileException when a word has an unclosed quote, as Docker's expansion step reports it
	 */
	public List<String> words() {
		return processEach(args(), this.escape, null);
	}

	/**
	 * The words of a COPY, ADD, VOLUME or EXPOSE (or the one word of USER, WORKDIR or STOPSIGNAL), each expanded
	 * on its own as Docker does.
	 * @throws DockerfileException when an expansion fails
	 */
	public List<String> words(Function<String, @Nullable String> lookup) {
		return processEach(args(), this.escape, lookup);
	}

	/**
	 * The FROM instruction's image, stage name and platform.
	 * @throws IllegalStateException when this is not a FROM
	 */
	public From from() {
		requireKeyword("FROM");
		return checked(() -> From.of(args(), this.flags.get("platform")));
	}

	/**
	 * The HEALTHCHECK instruction's test and options; HEALTHCHECK does not expand variables.
	 * @throws IllegalStateException when this is not a HEALTHCHECK
	 */
	public Healthcheck healthcheck() {
		requireKeyword("HEALTHCHECK");
		return checked(() -> InstructionRules.healthcheck(parsedArgs(), this.flags));
	}

	/**
	 * The instruction an ONBUILD stores, checked as a child build would check it, with this instruction's line and
	 * heredocs.
	 * @throws IllegalStateException when this is not an ONBUILD
	 * @throws DockerfileException when the trigger is not a valid instruction
	 */
	public Instruction trigger() {
		requireKeyword("ONBUILD");
		Split split = LineSyntax.splitCommand(this.rest);
		return checked(() -> InstructionRules.instruction(split, this.rest, this.line, this.heredocs, this.escape));
	}

	/**
	 * The text an ONBUILD leaves in the image config's {@code OnBuild} list, as moby's {@code parseOnBuild} writes
	 * it: the instruction without {@code ONBUILD}, each heredoc appended with its terminator.
	 * @throws IllegalStateException when this is not an ONBUILD
	 */
	public String triggerExpression() {
		requireKeyword("ONBUILD");
		StringBuilder expression = new StringBuilder(ONBUILD_PREFIX.matcher(this.original).replaceFirst(""));
		for (Heredoc heredoc : this.heredocs) {
			expression.append('\n').append(heredoc.content()).append(heredoc.name());
		}
		return expression.toString();
	}

	/**
	 * The pairs of an ENV or LABEL ({@code legacySpaceForm}: {@code k=v k2="v 2"}, or {@code key value with spaces}
	 * as one pair) or of an ARG (not {@code legacySpaceForm}: {@code name} or {@code name=value}, a bare name having
	 * a null value), quotes removed and escapes ({@code \\}) processed, nothing expanded.
	 * @param text the instruction's {@link #rest()}
	 * @throws DockerfileException with Docker's text for a malformed ENV or LABEL
	 */
	public static List<Map.Entry<String, @Nullable String>> keyValues(String text, boolean legacySpaceForm) {
		return keyValues(text, legacySpaceForm, '\\', null);
	}

	/**
	 * As {@link #keyValues(String, boolean)}, each key and value expanded on its own with the lookup, which is how
	 * Docker expands them: expanding the whole text first would remove the quotes that group a value.
	 * @param lookup a variable's value, or null when unset; null to expand nothing
	 */
	public static List<Map.Entry<String, @Nullable String>> keyValues(String text, boolean legacySpaceForm,
			char escape, @Nullable Function<String, @Nullable String> lookup) {
		List<String> args = LineSyntax.args(legacySpaceForm ? "env" : "arg", GoText.trimSpace(text), escape).values();
		return pairs(args, !legacySpaceForm, escape, lookup);
	}

	/**
	 * The words of a COPY, ADD or VOLUME as Docker reads them: the strings of a JSON array, or else words split at
	 * whitespace (quotes do not group words: {@code "a b"} is two words and an error); each has its quotes removed
	 * and escapes processed, nothing expanded.
	 * @throws DockerfileException when a word has an unclosed quote, or a JSON array holds a non-string
	 */
	public static List<String> words(String text) {
		return words(text, '\\', null);
	}

	/** As {@link #words(String)}, each word expanded on its own with the lookup (null to expand nothing). */
	public static List<String> words(String text, char escape, @Nullable Function<String, @Nullable String> lookup) {
		return processEach(LineSyntax.args("copy", GoText.trimSpace(text), escape).values(), escape, lookup);
	}

	private static List<Map.Entry<String, @Nullable String>> pairs(List<String> args, boolean arg, char escape,
			@Nullable Function<String, @Nullable String> lookup) {
		List<Map.Entry<String, @Nullable String>> out = new ArrayList<>();
		if (arg) {
			for (String word : args) {
				int eq = word.indexOf('=');
				String key = process((eq < 0) ? word : word.substring(0, eq), escape, lookup);
				String value = (eq < 0) ? null : process(word.substring(eq + 1), escape, lookup);
				out.add(new SimpleImmutableEntry<>(key, value));
			}
		}
		else {
			for (int i = 0; i + 1 < args.size(); i += 2) {
				out.add(new SimpleImmutableEntry<>(process(args.get(i), escape, lookup),
						process(args.get(i + 1), escape, lookup)));
			}
		}
		return Collections.unmodifiableList(out);
	}

	private static List<String> processEach(List<String> args, char escape,
			@Nullable Function<String, @Nullable String> lookup) {
		List<String> out = new ArrayList<>(args.size());
		for (String arg : args) {
			out.add(process(arg, escape, lookup));
		}
		return List.copyOf(out);
	}

	private static String process(String word, char escape, @Nullable Function<String, @Nullable String> lookup) {
		return (lookup != null) ? ShellLex.expand(word, escape, lookup) : ShellLex.unquote(word, escape);
	}

	private Args parsedArgs() {
		return checked(() -> LineSyntax.args(this.keyword.toLowerCase(Locale.ROOT), this.rest, this.escape));
	}

	private void requireKeyword(String expected) {
		if (!this.keyword.equals(expected)) {
			throw new IllegalStateException("not a " + expected + " instruction: " + this.original);
		}
	}

	/** Runs a check, giving its error this instruction's line. */
	private <T> T checked(Supplier<T> check) {
		try {
			return check.get();
		}
		catch (DockerfileException ex) {
			throw (ex.line() != 0) ? ex : DockerfileException.atLine(this.line, ex.getMessage());
		}
	}

	/**
	 * A FROM instruction read as {@code FROM [--platform=p] image [AS name]}, so the builder can start a stage; a
	 * value class rather than a record only because Jazzer 0.24's fuzzing instrumentation corrupts records whose
	 * components carry type annotations such as {@code @Nullable}.
	 */
	public static final class From {

		private final String image;

		private final @Nullable String stageName;

		private final @Nullable String platform;

		/**
		 * A FROM of this image.
		 * @param image the base image as written; the builder expands it with the ARGs declared before the first
		 * FROM
		 * @param stageName the stage's name in lower case, as Docker keeps it, or null when unnamed
		 * @param platform the {@code --platform} value as written, or null when not given
		 */
		public From(String image, @Nullable String stageName, @Nullable String platform) {
			Objects.requireNonNull(image, "image");
			if (image.isEmpty()) {
				throw new IllegalArgumentException("FROM needs an image");
			}
			this.image = image;
			this.stageName = stageName;
			this.platform = platform;
		}

		/**
		 * Reads a FROM's {@link Instruction#rest()} ({@code image [AS name]}, {@code AS} in any case); the platform
		 * is a flag, so it is null here: {@link Instruction#from()} has it.
		 * @throws DockerfileException {@code FROM requires either one or three arguments}, or for a bad stage name
		 */
		public static From parse(String rest) {
			return of(LineSyntax.args("from", GoText.trimSpace(rest), '\\').values(), null);
		}

		static From of(List<String> args, @Nullable String platform) {
			String stage = InstructionRules.stageName(args);
			return new From(args.get(0), stage.isEmpty() ? null : stage, platform);
		}

		/** The base image as written, not yet expanded. */
		public String image() {
			return this.image;
		}

		/** The stage's name in lower case, or null when unnamed. */
		public @Nullable String stageName() {
			return this.stageName;
		}

		/** The {@code --platform} value as written, or null. */
		public @Nullable String platform() {
			return this.platform;
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof From that && this.image.equals(that.image)
					&& Objects.equals(this.stageName, that.stageName) && Objects.equals(this.platform, that.platform);
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.image, this.stageName, this.platform);
		}

		@Override
		public String toString() {
			return "From[image=" + this.image + ", stageName=" + this.stageName + ", platform=" + this.platform + "]";
		}

	}

	/**
	 * A HEALTHCHECK as the image config's {@code Healthcheck} records it, durations in nanoseconds as the Docker API
	 * carries them and 0 meaning "not set, inherit the default".
	 * @param test {@code ["NONE"]}, {@code ["CMD", args...]} for exec form or {@code ["CMD-SHELL", command]}
	 * @param interval {@code --interval} in nanoseconds
	 * @param timeout {@code --timeout} in nanoseconds
	 * @param startPeriod {@code --start-period} in nanoseconds
	 * @param startInterval {@code --start-interval} in nanoseconds
	 * @param retries {@code --retries}
	 */
	public record Healthcheck(List<String> test, long interval, long timeout, long startPeriod, long startInterval,
			int retries) {

		public Healthcheck {
			test = List.copyOf(test);
			if (test.isEmpty()) {
				throw new IllegalArgumentException("a healthcheck needs a test");
			}
			if (interval < 0 || timeout < 0 || startPeriod < 0 || startInterval < 0 || retries < 0) {
				throw new IllegalArgumentException("healthcheck durations and retries cannot be negative");
			}
		}

		/**
		 * Reads a HEALTHCHECK's {@link Instruction#rest()} ({@code NONE}, or {@code CMD} and a command in exec or
		 * shell form) with its {@link Instruction#flags()}; Go durations such as {@code 30s}, {@code 1m30s} or
		 * {@code 500ms}.
		 * @throws DockerfileException worded as Docker's, for example {@code time: invalid duration "x"}
		 */
		public static Healthcheck parse(String rest, Map<String, String> flags) {
			return InstructionRules.healthcheck(LineSyntax.args("healthcheck", GoText.trimSpace(rest), '\\'), flags);
		}

		/** Whether this is {@code HEALTHCHECK NONE}, which turns off a healthcheck inherited from the base image. */
		public boolean isNone() {
			return this.test.equals(List.of("NONE"));
		}

		static Healthcheck none() {
			return new Healthcheck(List.of("NONE"), 0, 0, 0, 0, 0);
		}

	}

}
