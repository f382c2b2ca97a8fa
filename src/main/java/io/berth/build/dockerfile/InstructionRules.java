package io.berth.build.dockerfile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.berth.build.dockerfile.Instruction.Healthcheck;
import io.berth.build.dockerfile.LineSyntax.Args;
import io.berth.build.dockerfile.LineSyntax.Split;

/**
 * What moby's {@code instructions} package checks once a line is cut: argument counts, flags, stage names,
 * healthcheck options and ONBUILD triggers, with its error texts, so a Dockerfile Docker refuses is refused here.
 */
final class InstructionRules {

	private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9_.-]*");

	/** Healthcheck durations other than 0 must be at least this, as Docker's {@code container.MinimumDuration}. */
	private static final long MINIMUM_DURATION_NANOS = 1_000_000L;

	enum Kind {

		BOOL, STRING, STRINGS

	}

	private static final Map<String, Map<String, Kind>> FLAGS = Map.of("from", flags("platform", Kind.STRING),
			"run", flags("mount", Kind.STRINGS, "network", Kind.STRING, "security", Kind.STRING), "copy",
			flags("from", Kind.STRING, "chown", Kind.STRING, "chmod", Kind.STRING, "link", Kind.BOOL, "parents",
					Kind.BOOL, "exclude", Kind.STRINGS),
			"add",
			flags("chown", Kind.STRING, "chmod", Kind.STRING, "link", Kind.BOOL, "keep-git-dir", Kind.BOOL,
					"checksum", Kind.STRING, "exclude", Kind.STRINGS),
			"healthcheck", flags("interval", Kind.STRING, "timeout", Kind.STRING, "start-period", Kind.STRING,
					"start-interval", Kind.STRING, "retries", Kind.STRING));

	private InstructionRules() {
	}

	private static Map<String, Kind> flags(Object... nameKinds) {
		Map<String, Kind> out = new LinkedHashMap<>();
		for (int i = 0; i < nameKinds.length; i += 2) {
			out.put((String) nameKinds[i], (Kind) nameKinds[i + 1]);
		}
		return Collections.unmodifiableMap(out);
	}

	/**
	 * Checks a cut line as moby's {@code ParseInstruction} does and builds the instruction.
	 * @throws DockerfileException without a line; the caller adds it
	 */
	static Instruction instruction(Split split, String original, int line, List<Heredoc> heredocs, char escape) {
		String cmd = split.command().toLowerCase(Locale.ROOT);
		Args args = LineSyntax.args(cmd, split.rest(), escape);
		List<String> values = args.values();
		Map<String, String> flags = Map.of();
		switch (cmd) {
			case "env", "label" -> {
				flags = parseFlags(cmd, split.flags());
				String name = cmd.toUpperCase(Locale.ROOT);
				if (values.isEmpty()) {
					throw atLeastOneArgument(name);
				}
				for (int i = 0; i < values.size(); i += 2) {
					if (values.get(i).isEmpty()) {
						throw blankNames(name);
					}
				}
			}
			case "maintainer", "workdir", "user" -> {
				if (values.size() != 1) {
					throw exactlyOneArgument(cmd.toUpperCase(Locale.ROOT));
				}
				flags = parseFlags(cmd, split.flags());
			}
			case "add", "copy" -> {
				String name = cmd.toUpperCase(Locale.ROOT);
				if (values.size() < 2) {
					throw new DockerfileException(name + " requires at least two arguments, but only one was "
							+ "provided. Destination could not be determined");
				}
				flags = parseFlags(cmd, split.flags());
				if (LineSyntax.heredocOrNull(values.get(values.size() - 1)) != null) {
					throw new DockerfileException(name + " cannot accept a heredoc as a destination");
				}
			}
			case "from" -> {
				stageName(values);
				flags = parseFlags(cmd, split.flags());
			}
			case "onbuild" -> {
				if (values.isEmpty()) {
					throw atLeastOneArgument("ONBUILD");
				}
				flags = parseFlags(cmd, split.flags());
				checkTrigger(values.get(0));
			}
			case "run", "cmd", "entrypoint" -> flags = parseFlags(cmd, split.flags());
			case "healthcheck" -> {
				if (!values.isEmpty() && !values.get(0).toUpperCase(Locale.ROOT).equals("NONE")) {
					flags = parseFlags(cmd, split.flags());
				}
				healthcheck(args, flags);
			}
			case "expose", "volume" -> {
				if (values.isEmpty()) {
					throw atLeastOneArgument(cmd.toUpperCase(Locale.ROOT));
				}
				flags = parseFlags(cmd, split.flags());
				if (cmd.equals("volume") && values.stream().anyMatch((v) -> GoText.trimSpace(v).isEmpty())) {
					throw new DockerfileException("VOLUME specified can not be an empty string");
				}
			}
			case "stopsignal" -> {
				if (values.size() != 1) {
					throw exactlyOneArgument("STOPSIGNAL");
				}
			}
			case "arg" -> {
				if (values.isEmpty()) {
					throw atLeastOneArgument("ARG");
				}
				if (values.stream().anyMatch((v) -> v.startsWith("="))) {
					throw blankNames("ARG");
				}
			}
			case "shell" -> {
				flags = parseFlags(cmd, split.flags());
				if (values.isEmpty()) {
					throw atLeastOneArgument("SHELL");
				}
				if (!args.json()) {
					throw new DockerfileException("SHELL requires the arguments to be in JSON form");
				}
			}
			default -> throw new DockerfileException(
					"unknown instruction: " + split.command().toUpperCase(Locale.ROOT));
		}
		return new Instruction(cmd.toUpperCase(Locale.ROOT), split.rest(), flags, line, GoText.trimSpace(original),
				heredocs, escape);
	}

	/** The ONBUILD triggers Docker refuses, checked at the parent's build as moby's {@code parseOnBuild} does. */
	static void checkTrigger(String keyword) {
		String trigger = GoText.trimSpace(keyword).toUpperCase(Locale.ROOT);
		switch (trigger) {
			case "ONBUILD" -> throw new DockerfileException("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
			case "MAINTAINER", "FROM" ->
				throw new DockerfileException(trigger + " isn't allowed as an ONBUILD trigger");
			default -> {
			}
		}
	}

	/** moby's {@code parseBuildStageName}: null for {@code FROM image}, the lower-cased name for {@code AS name}. */
	static String stageName(List<String> args) {
		if (args.size() == 3 && args.get(1).equalsIgnoreCase("as")) {
			String name = args.get(2).toLowerCase(Locale.ROOT);
			if (!STAGE_NAME.matcher(name).matches()) {
				throw new DockerfileException("invalid name for build stage: " + GoText.quote(args.get(2))
						+ ", name can't start with a number or contain symbols");
			}
			return name;
		}
		if (args.size() != 1) {
			throw new DockerfileException("FROM requires either one or three arguments");
		}
		return "";
	}

	/** moby's {@code parseHealthcheck}, given the parsed arguments and the instruction's flags. */
	static Healthcheck healthcheck(Args args, Map<String, String> flags) {
		List<String> values = args.values();
		if (values.isEmpty()) {
			throw atLeastOneArgument("HEALTHCHECK");
		}
		String type = values.get(0).toUpperCase(Locale.ROOT);
		List<String> command = values.subList(1, values.size());
		if (type.equals("NONE")) {
			if (!command.isEmpty()) {
				throw new DockerfileException("HEALTHCHECK NONE takes no arguments");
			}
			return Healthcheck.none();
		}
		if (!type.equals("CMD")) {
			throw new DockerfileException("Unknown type " + GoText.quote(type) + " in HEALTHCHECK (try CMD)");
		}
		List<String> commandLine = commandLine(command, args.json());
		if (commandLine.isEmpty()) {
			throw new DockerfileException("Missing command after HEALTHCHECK CMD");
		}
		List<String> test = new ArrayList<>();
		test.add(args.json() ? "CMD" : "CMD-SHELL");
		test.addAll(commandLine);
		long interval = interval(flags, "interval");
		long timeout = interval(flags, "timeout");
		long startPeriod = interval(flags, "start-period");
		long startInterval = interval(flags, "start-interval");
		int retries = 0;
		String retriesFlag = flags.getOrDefault("retries", "");
		if (!retriesFlag.isEmpty()) {
			retries = GoText.parseInt32(retriesFlag);
			if (retries < 0) {
				throw new DockerfileException("--retries cannot be negative (" + retries + ")");
			}
		}
		return new Healthcheck(test, interval, timeout, startPeriod, startInterval, retries);
	}

	/** moby's {@code handleJSONArgs}: exec form as is, shell form as one string. */
	static List<String> commandLine(List<String> args, boolean json) {
		if (args.isEmpty() || json) {
			return List.copyOf(args);
		}
		return List.of(String.join(" ", args));
	}

	private static long interval(Map<String, String> flags, String name) {
		String value = flags.getOrDefault(name, "");
		if (value.isEmpty()) {
			return 0;
		}
		long nanos = GoText.parseDuration(value);
		if (nanos == 0) {
			return 0;
		}
		if (nanos < MINIMUM_DURATION_NANOS) {
			throw new DockerfileException("Interval " + GoText.quote(name) + " cannot be less than 1ms");
		}
		return nanos;
	}

	/**
	 * moby's {@code BFlags.Parse} against the flags the instruction defines: the value of each flag given (a bool as
	 * "true" or "false", a repeatable one as its last value).
	 */
	private static Map<String, String> parseFlags(String cmd, List<String> raw) {
		Map<String, Kind> known = FLAGS.getOrDefault(cmd, Map.of());
		Map<String, String> values = new LinkedHashMap<>();
		for (String arg : raw) {
			if (arg.equals("--")) {
				break;
			}
			if (!arg.startsWith("--")) {
				throw new DockerfileException("arg should start with -- : " + arg);
			}
			String body = arg.substring(2);
			int eq = body.indexOf('=');
			String name = (eq < 0) ? body : body.substring(0, eq);
			String value = (eq < 0) ? "" : body.substring(eq + 1);
			Kind kind = known.get(name);
			if (kind == null) {
				throw new DockerfileException("unknown flag: " + name);
			}
			if (values.containsKey(name) && kind != Kind.STRINGS) {
				throw new DockerfileException("duplicate flag specified: " + name);
			}
			switch (kind) {
				case BOOL -> {
					if (eq >= 0 && value.isEmpty()) {
						throw missingValue(name);
					}
					String lower = value.toLowerCase(Locale.ROOT);
					if (!lower.isEmpty() && !lower.equals("true") && !lower.equals("false")) {
						throw new DockerfileException(
								"expecting boolean value for flag " + name + ", not: " + value);
					}
					values.put(name, lower.isEmpty() ? "true" : lower);
				}
				case STRING, STRINGS -> {
					if (eq < 0) {
						throw missingValue(name);
					}
					values.put(name, value);
				}
			}
		}
		return Collections.unmodifiableMap(values);
	}

	/** Every value given for a flag, in order, for the repeatable ones ({@code --mount}, {@code --exclude}). */
	static List<String> flagValues(List<String> raw, String name) {
		List<String> out = new ArrayList<>();
		for (String arg : raw) {
			if (arg.equals("--")) {
				break;
			}
			String body = arg.startsWith("--") ? arg.substring(2) : arg;
			int eq = body.indexOf('=');
			if (((eq < 0) ? body : body.substring(0, eq)).equals(name)) {
				out.add((eq < 0) ? "true" : body.substring(eq + 1));
			}
		}
		return List.copyOf(out);
	}

	private static DockerfileException missingValue(String name) {
		return new DockerfileException("missing a value on flag: " + name);
	}

	private static DockerfileException atLeastOneArgument(String name) {
		return new DockerfileException(name + " requires at least one argument");
	}

	private static DockerfileException exactlyOneArgument(String name) {
		return new DockerfileException(name + " requires exactly one argument");
	}

	private static DockerfileException blankNames(String name) {
		return new DockerfileException(name + " names can not be blank");
	}

}
