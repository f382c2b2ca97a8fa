package io.berth.build.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * How moby's parser cuts one joined instruction line: the keyword, the leading {@code --flags}, and the arguments as
 * each instruction's line parser reads them (JSON or shell form, name=value pairs, words), plus heredoc markers.
 */
final class LineSyntax {

	private static final Pattern HEREDOC = Pattern.compile("([0-9]*)<<(-?)([^<]*)", Pattern.DOTALL);

	private LineSyntax() {
	}

	/** A line cut into its keyword as written, its raw {@code --flag} words, and the rest, trimmed. */
	record Split(String command, List<String> flags, String rest) {
	}

	/** An instruction's arguments as its line parser gives them, and whether they were a JSON array. */
	record Args(List<String> values, boolean json) {

		static final Args NONE = new Args(List.of(), false);

	}

	/** A heredoc marker such as {@code <<-"EOF"} found on an instruction line. */
	record Marker(String name, boolean expand, boolean chomp) {
	}

	/** moby's {@code splitCommand}. */
	static Split splitCommand(String line) {
		List<String> parts = GoText.splitBlanks(GoText.trimSpace(line), 2);
		if (parts.size() < 2) {
			return new Split(parts.get(0), List.of(), "");
		}
		List<String> flags = new ArrayList<>();
		String rest = extractBuilderFlags(parts.get(1), flags);
		return new Split(parts.get(0), List.copyOf(flags), GoText.trimSpace(rest));
	}

	/** moby's {@code extractBuilderFlags}: the leading {@code --} words, quotes and {@code \\} processed. */
	private static String extractBuilderFlags(String line, List<String> words) {
		final int inSpaces = 0;
		final int inWord = 1;
		final int inQuote = 2;
		int phase = inSpaces;
		StringBuilder word = new StringBuilder();
		char quote = 0;
		boolean blankOk = false;
		char ch = 0;
		for (int pos = 0; pos <= line.length(); pos++) {
			if (pos != line.length()) {
				ch = line.charAt(pos);
			}
			if (phase == inSpaces) {
				if (pos == line.length()) {
					break;
				}
				if (GoText.isSpace(ch)) {
					continue;
				}
				if (ch != '-' || pos + 1 == line.length() || line.charAt(pos + 1) != '-') {
					return line.substring(pos);
				}
				phase = inWord;
			}
			if (pos == line.length()) {
				if (!word.toString().equals("--") && (blankOk || word.length() > 0)) {
					words.add(word.toString());
				}
				break;
			}
			if (phase == inWord) {
				if (GoText.isSpace(ch)) {
					phase = inSpaces;
					if (word.toString().equals("--")) {
						return line.substring(pos);
					}
					if (blankOk || word.length() > 0) {
						words.add(word.toString());
					}
					word.setLength(0);
					blankOk = false;
					continue;
				}
				if (ch == '\'' || ch == '"') {
					quote = ch;
					blankOk = true;
					phase = inQuote;
					continue;
				}
				if (ch == '\\') {
					if (pos + 1 == line.length()) {
						continue;
					}
					pos++;
					ch = line.charAt(pos);
				}
				word.append(ch);
				continue;
			}
			if (ch == quote) {
				phase = inWord;
				continue;
			}
			if (ch == '\\') {
				if (pos + 1 == line.length()) {
					phase = inWord;
					continue;
				}
				pos++;
				ch = line.charAt(pos);
			}
			word.append(ch);
		}
		return "";
	}

	/**
	 * moby's {@code parseWords}: words split at unquoted whitespace, quotes and escapes kept for later processing.
	 */
	static List<String> parseWords(String rest, char escape) {
		final int inSpaces = 0;
		final int inWord = 1;
		final int inQuote = 2;
		List<String> words = new ArrayList<>();
		int phase = inSpaces;
		char quote = 0;
		boolean blankOk = false;
		StringBuilder word = new StringBuilder();
		char ch = 0;
		for (int pos = 0; pos <= rest.length(); pos++) {
			if (pos != rest.length()) {
				ch = rest.charAt(pos);
			}
			if (phase == inSpaces) {
				if (pos == rest.length()) {
					break;
				}
				if (GoText.isSpace(ch)) {
					continue;
				}
				phase = inWord;
			}
			if (pos == rest.length()) {
				if (blankOk || word.length() > 0) {
					words.add(word.toString());
				}
				break;
			}
			if (phase == inWord) {
				if (GoText.isSpace(ch)) {
					phase = inSpaces;
					if (blankOk || word.length() > 0) {
						words.add(word.toString());
					}
					word.setLength(0);
					blankOk = false;
					continue;
				}
				if (ch == '\'' || ch == '"') {
					quote = ch;
					blankOk = true;
					phase = inQuote;
				}
				if (ch == escape) {
					if (pos + 1 == rest.length()) {
						continue;
					}
					word.append(ch);
					pos++;
					ch = rest.charAt(pos);
				}
				word.append(ch);
				continue;
			}
			if (ch == quote) {
				phase = inWord;
			}
			if (ch == escape && quote != '\'') {
				if (pos + 1 == rest.length()) {
					phase = inWord;
					continue;
				}
				pos++;
				word.append(ch);
				ch = rest.charAt(pos);
			}
			word.append(ch);
		}
		return words;
	}

	/**
	 * The arguments of an instruction as moby's line parser for it reads them.
	 * @param command the keyword in lower case
	 * @throws DockerfileException for the errors moby's line parsers report (non-string JSON, ENV without a value)
	 */
	static Args args(String command, String rest, char escape) {
		return switch (command) {
			case "add", "copy", "volume" -> maybeJsonToList(rest);
			case "arg" -> new Args(List.copyOf(parseWords(rest, escape)), false);
			case "cmd", "entrypoint", "run", "shell" -> maybeJson(rest);
			case "env" -> nameValues(rest, "ENV", escape);
			case "label" -> nameValues(rest, "LABEL", escape);
			case "expose", "from" -> new Args(blankSeparated(rest), false);
			case "healthcheck" -> healthConfig(rest);
			case "maintainer", "stopsignal", "user", "workdir" -> rest.isEmpty() ? Args.NONE
					: new Args(List.of(rest), false);
			case "onbuild" -> subCommand(rest, escape);
			default -> Args.NONE;
		};
	}

	private static Args maybeJson(String rest) {
		if (rest.isEmpty()) {
			return Args.NONE;
		}
		List<String> json = JsonArray.parse(rest);
		return (json != null) ? new Args(json, true) : new Args(List.of(rest), false);
	}

	private static Args maybeJsonToList(String rest) {
		List<String> json = JsonArray.parse(rest);
		return (json != null) ? new Args(json, true) : new Args(blankSeparated(rest), false);
	}

	private static List<String> blankSeparated(String rest) {
		return rest.isEmpty() ? List.of() : List.copyOf(GoText.splitBlanks(rest, -1));
	}

	/** ENV and LABEL: {@code k=v k2=v2} pairs, or the legacy {@code key value with spaces}; flattened k, v, k, v. */
	private static Args nameValues(String rest, String keyword, char escape) {
		List<String> words = parseWords(rest, escape);
		if (words.isEmpty()) {
			return Args.NONE;
		}
		if (!words.get(0).contains("=")) {
			List<String> parts = GoText.splitBlanks(rest, 2);
			if (parts.size() < 2) {
				throw new DockerfileException(keyword + " must have two arguments");
			}
			return new Args(List.copyOf(parts), false);
		}
		List<String> values = new ArrayList<>();
		for (String word : words) {
			int eq = word.indexOf('=');
			if (eq < 0) {
				throw new DockerfileException("Syntax error - can't find = in " + GoText.quote(word)
						+ ". Must be of the form: name=value");
			}
			values.add(word.substring(0, eq));
			values.add(word.substring(eq + 1));
		}
		return new Args(List.copyOf(values), false);
	}

	/** HEALTHCHECK: the type word, then the command in JSON or shell form. */
	private static Args healthConfig(String rest) {
		int sep = 0;
		while (sep < rest.length() && !GoText.isSpace(rest.charAt(sep))) {
			sep++;
		}
		if (sep == 0) {
			return Args.NONE;
		}
		int next = sep;
		while (next < rest.length() && GoText.isSpace(rest.charAt(next))) {
			next++;
		}
		Args command = maybeJson(rest.substring(next));
		List<String> values = new ArrayList<>();
		values.add(rest.substring(0, sep));
		values.addAll(command.values());
		return new Args(List.copyOf(values), command.json());
	}

	/**
	 * ONBUILD: the trigger's keyword and its arguments. A nested ONBUILD is not read further: it is an error anyway,
	 * and following a line of thousands of them would overflow the stack.
	 */
	private static Args subCommand(String rest, char escape) {
		if (rest.isEmpty()) {
			return Args.NONE;
		}
		Split trigger = splitCommand(rest);
		String command = trigger.command().toLowerCase(Locale.ROOT);
		List<String> values = new ArrayList<>();
		values.add(trigger.command());
		if (!command.equals("onbuild")) {
			values.addAll(args(command, trigger.rest(), escape).values());
		}
		return new Args(List.copyOf(values), false);
	}

	/**
	 * Whether heredocs on this line are read, as moby's {@code canContainHeredoc}: RUN, COPY and ADD in shell form,
	 * directly or as an ONBUILD trigger.
	 */
	static boolean takesHeredocs(String command, String rest, char escape) {
		String cmd = command.toLowerCase(Locale.ROOT);
		String args = rest;
		if (cmd.equals("onbuild") && !rest.isEmpty()) {
			Split trigger = splitCommand(rest);
			cmd = trigger.command().toLowerCase(Locale.ROOT);
			args = trigger.rest();
		}
		if (!cmd.equals("run") && !cmd.equals("copy") && !cmd.equals("add")) {
			return false;
		}
		return !args(cmd, args, escape).json();
	}

	/**
	 * The heredoc markers on a line, in order, as moby's {@code heredocsFromLine}: the line is split into words
	 * keeping quotes and escapes, and each word of the form {@code [n]<<[-]name} is one.
	 * @throws DockerfileException when a marker's name cannot be lexed
	 */
	static List<Marker> heredocs(String line) {
		List<String> words;
		try {
			words = new Lexer('\\', (name) -> null).rawQuotes(true).rawEscapes(true).skipUnsetEnv(true)
				.processWords(line);
		}
		catch (DockerfileException ex) {
			words = List.of();
		}
		List<Marker> markers = new ArrayList<>();
		for (String word : words) {
			Marker marker = heredoc(word);
			if (marker != null) {
				markers.add(marker);
			}
		}
		return markers;
	}

	/**
	 * moby's {@code ParseHeredoc}: the marker a word is, or null. Any quote in the name means the content is not
	 * expanded.
	 * @throws DockerfileException when the name cannot be lexed
	 */
	static @Nullable Marker heredoc(String word) {
		Matcher m = HEREDOC.matcher(word);
		if (!m.matches()) {
			return null;
		}
		boolean chomp = m.group(2).equals("-");
		String rest = m.group(3);
		if (rest.isEmpty()) {
			return null;
		}
		List<String> words = new Lexer('\\', (name) -> null).skipUnsetEnv(true).processWords(rest);
		if (words.size() != 1) {
			return null;
		}
		List<String> raw = new Lexer('\\', (name) -> null).skipUnsetEnv(true).rawQuotes(true).processWords(rest);
		if (raw.size() != words.size()) {
			throw new DockerfileException("internal lexing of heredoc produced inconsistent results: " + rest);
		}
		String name = words.get(0);
		boolean expand = quotes(name) == quotes(raw.get(0));
		return new Marker(name, expand, chomp);
	}

	/** Like {@link #heredoc} but null where it would fail, as moby's {@code MustParseHeredoc}. */
	static @Nullable Marker heredocOrNull(String word) {
		try {
			return heredoc(word);
		}
		catch (DockerfileException ex) {
			return null;
		}
	}

	private static int quotes(String s) {
		int count = 0;
		for (int i = 0; i < s.length(); i++) {
			if (s.charAt(i) == '\'' || s.charAt(i) == '"') {
				count++;
			}
		}
		return count;
	}

}
