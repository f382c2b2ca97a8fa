package io.berth.build.dockerfile;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.berth.build.dockerfile.LineSyntax.Marker;
import io.berth.build.dockerfile.LineSyntax.Split;
import org.jspecify.annotations.Nullable;

/**
 * moby's {@code parser.Parse} loop: physical lines into joined instruction lines (directives, comments,
 * continuations, empty continuation lines) and the heredoc bodies after them; one instance reads one text.
 */
final class DockerfileParser {

	private static final Pattern DIRECTIVE = Pattern
		.compile("([a-zA-Z][a-zA-Z0-9]*)[\\t\\n\\f\\r ]*=[\\t\\n\\f\\r ]*(.+?)[\\t\\n\\f\\r ]*", Pattern.DOTALL);

	private static final Set<String> DIRECTIVES = Set.of("syntax", "escape", "check");

	/** The physical lines, each with its line ending as read. */
	private final List<String> lines;

	private int next;

	private int currentLine;

	private char escape = '\\';

	private boolean directivesDone;

	private final Set<String> seenDirectives = new HashSet<>();

	private @Nullable String syntax;

	DockerfileParser(String text) {
		this.lines = physicalLines(text);
	}

	/** A joined instruction line, cut, with where it starts and the heredocs that follow it. */
	record Line(Split split, String text, int number, List<Heredoc> heredocs) {
	}

	Dockerfile parse() {
		List<Line> read = readLines();
		List<Instruction> instructions = new ArrayList<>(read.size());
		boolean inStage = false;
		for (Line line : read) {
			Instruction instruction = instruction(line);
			if (!inStage) {
				if (instruction.keyword().equals("FROM")) {
					inStage = true;
				}
				else if (!instruction.keyword().equals("ARG")) {
					throw DockerfileException.atLine(line.number(), "no build stage in current context");
				}
			}
			instructions.add(instruction);
		}
		return new Dockerfile(instructions, this.escape, this.syntax);
	}

	List<Instruction> parseTrigger() {
		List<Line> read = readLines();
		List<Instruction> instructions = new ArrayList<>(read.size());
		for (Line line : read) {
			try {
				InstructionRules.checkTrigger(line.split().command());
			}
			catch (DockerfileException ex) {
				throw DockerfileException.atLine(line.number(), ex.getMessage());
			}
			instructions.add(instruction(line));
		}
		return List.copyOf(instructions);
	}

	private Instruction instruction(Line line) {
		try {
			return InstructionRules.instruction(line.split(), line.text(), line.number(), line.heredocs(),
					this.escape);
		}
		catch (DockerfileException ex) {
			throw DockerfileException.atLine(line.number(), ex.getMessage());
		}
	}

	/** The first pass, with the line parser's checks: every instruction line of the text. */
	private List<Line> readLines() {
		List<Line> out = new ArrayList<>();
		while (this.next < this.lines.size()) {
			String raw = this.lines.get(this.next++);
			if (this.currentLine == 0 && raw.startsWith("\uFEFF")) {
				raw = raw.substring(1);
			}
			String processed = processLine(raw, true);
			this.currentLine++;
			int start = this.currentLine;
			String trimmed = trimContinuation(processed);
			boolean endOfLine = trimmed == null;
			String first = endOfLine ? processed : trimmed;
			if (endOfLine && first.isEmpty()) {
				continue;
			}
			StringBuilder joined = new StringBuilder(first);
			while (!endOfLine && this.next < this.lines.size()) {
				String continuation = this.lines.get(this.next++);
				String part = processLine(continuation, false);
				this.currentLine++;
				if (isComment(continuation) || GoText.trimLeftSpace(part).isEmpty()) {
					continue;
				}
				String cut = trimContinuation(part);
				endOfLine = cut == null;
				joined.append(endOfLine ? part : cut);
			}
			String text = joined.toString();
			Split split = LineSyntax.splitCommand(text);
			try {
				LineSyntax.args(split.command().toLowerCase(Locale.ROOT), split.rest(), this.escape);
			}
			catch (DockerfileException ex) {
				throw DockerfileException.atLine(start, ex.getMessage());
			}
			out.add(new Line(split, text, start, heredocs(split, text, start)));
		}
		if (out.isEmpty()) {
			throw new DockerfileException("file with no instructions");
		}
		return out;
	}

	/** Reads the bodies of the heredocs the line's markers announce, from the lines after it. */
	private List<Heredoc> heredocs(Split split, String text, int start) {
		if (!text.contains("<<") || !LineSyntax.takesHeredocs(split.command(), split.rest(), this.escape)) {
			return List.of();
		}
		List<Marker> markers;
		try {
			markers = LineSyntax.heredocs(text);
		}
		catch (DockerfileException ex) {
			throw DockerfileException.atLine(start, ex.getMessage());
		}
		List<Heredoc> heredocs = new ArrayList<>(markers.size());
		for (Marker marker : markers) {
			StringBuilder content = new StringBuilder();
			boolean terminated = false;
			while (this.next < this.lines.size()) {
				String raw = this.lines.get(this.next++);
				this.currentLine++;
				String candidate = trimNewline(raw);
				if (marker.chomp()) {
					candidate = stripLeadingTabs(candidate);
				}
				if (candidate.equals(marker.name())) {
					terminated = true;
					break;
				}
				content.append(raw);
			}
			if (!terminated) {
				throw DockerfileException.atLine(start, "unterminated heredoc");
			}
			String body = marker.chomp() ? Heredoc.chomp(content.toString()) : content.toString();
			heredocs.add(new Heredoc(marker.name(), body, marker.expand(), marker.chomp()));
		}
		return List.copyOf(heredocs);
	}

	/** moby's {@code processLine}: line ending off, maybe leading whitespace too, directives read, comments blanked. */
	private String processLine(String raw, boolean stripLeft) {
		String token = trimNewline(raw);
		if (stripLeft) {
			token = GoText.trimLeftSpace(token);
		}
		directive(token);
		return isComment(token) ? "" : token;
	}

	/** moby's {@code DirectiveParser.ParseLine}: directives count only until the first line that is not one. */
	private void directive(String token) {
		if (this.directivesDone) {
			return;
		}
		if (!token.startsWith("#")) {
			this.directivesDone = true;
			return;
		}
		Matcher m = DIRECTIVE.matcher(GoText.trimLeftSpace(token.substring(1)));
		if (!m.matches() || !DIRECTIVES.contains(m.group(1).toLowerCase(Locale.ROOT))) {
			this.directivesDone = true;
			return;
		}
		String key = m.group(1).toLowerCase(Locale.ROOT);
		int line = this.currentLine + 1;
		if (!this.seenDirectives.add(key)) {
			throw DockerfileException.atLine(line, "only one " + key + " parser directive can be used");
		}
		String value = m.group(2);
		if (key.equals("escape")) {
			if (!value.equals("`") && !value.equals("\\")) {
				throw DockerfileException.atLine(line,
						"invalid escape token '" + value + "' does not match ` or \\");
			}
			this.escape = value.charAt(0);
		}
		else if (key.equals("syntax")) {
			this.syntax = value;
		}
	}

	/**
	 * The line without its continuation escape, or null when it does not end in one: the escape must be the last
	 * character but blanks and tabs, and not itself escaped, as moby's {@code lineContinuationRegex}.
	 */
	private @Nullable String trimContinuation(String line) {
		int end = line.length();
		while (end > 0 && (line.charAt(end - 1) == ' ' || line.charAt(end - 1) == '\t')) {
			end--;
		}
		if (end == 0 || line.charAt(end - 1) != this.escape) {
			return null;
		}
		if (end == 1) {
			return "";
		}
		return (line.charAt(end - 2) != this.escape) ? line.substring(0, end - 1) : null;
	}

	private static boolean isComment(String line) {
		return GoText.trimLeftSpace(line).startsWith("#");
	}

	private static String trimNewline(String s) {
		int end = s.length();
		while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
			end--;
		}
		return s.substring(0, end);
	}

	private static String stripLeadingTabs(String s) {
		int start = 0;
		while (start < s.length() && s.charAt(start) == '\t') {
			start++;
		}
		return s.substring(start);
	}

	/** The text cut after each newline, endings kept, as moby's line scanner reads it. */
	static List<String> physicalLines(String text) {
		List<String> out = new ArrayList<>();
		int start = 0;
		while (start < text.length()) {
			int newline = text.indexOf('\n', start);
			if (newline < 0) {
				out.add(text.substring(start));
				break;
			}
			out.add(text.substring(start, newline + 1));
			start = newline + 1;
		}
		return out;
	}

}
