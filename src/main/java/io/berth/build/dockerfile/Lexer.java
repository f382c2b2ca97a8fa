package io.berth.build.dockerfile;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A port of moby's {@code shell.Lex} word processor: quotes, escapes and {@code $} substitutions, giving both the
 * processed word and its split into words. Its options are those of moby's, used by the parser to find heredocs.
 */
final class Lexer {

	private static final int EOF = -1;

	/**
	 * Deeper {@code ${...}} nesting than this is refused, where Go's growable stack would recurse on; no real
	 * Dockerfile comes near it, and a hostile one must not overflow the stack.
	 */
	static final int MAX_NESTING = 200;

	private final int escape;

	private final Function<String, @Nullable String> lookup;

	private boolean rawQuotes;

	private boolean rawEscapes;

	private boolean skipUnsetEnv;

	private boolean expandVariables = true;

	private int[] source = new int[0];

	private int pos;

	private int depth;

	Lexer(char escape, Function<String, @Nullable String> lookup) {
		this.escape = escape;
		this.lookup = lookup;
	}

	/** Keeps quote characters in the result, as moby's {@code RawQuotes}. */
	Lexer rawQuotes(boolean raw) {
		this.rawQuotes = raw;
		return this;
	}

	/** Keeps escape characters in the result, as moby's {@code RawEscapes}. */
	Lexer rawEscapes(boolean raw) {
		this.rawEscapes = raw;
		return this;
	}

	/** Leaves references to unset variables as written, as moby's {@code SkipUnsetEnv}. */
	Lexer skipUnsetEnv(boolean skip) {
		this.skipUnsetEnv = skip;
		return this;
	}

	/** Whether {@code $} is special; without it only quotes and escapes are processed. */
	Lexer expandVariables(boolean expand) {
		this.expandVariables = expand;
		return this;
	}

	/** The word with quotes, escapes and substitutions processed; whitespace is kept. */
	String processWord(String word) {
		return process(word).word();
	}

	/** The text processed and split into words at unquoted whitespace, after substitution. */
	List<String> processWords(String text) {
		return process(text).words();
	}

	private Result process(String text) {
		this.source = text.codePoints().toArray();
		this.pos = 0;
		this.depth = 0;
		try {
			return processStopOn(EOF, this.rawEscapes);
		}
		catch (LexError ex) {
			throw new DockerfileException("failed to process " + GoText.quote(text) + ": " + ex.getMessage());
		}
	}

	private Result processStopOn(int stop, boolean raw) {
		StringBuilder result = new StringBuilder();
		Words words = new Words();
		boolean saved = this.rawEscapes;
		this.rawEscapes = raw;
		try {
			while (peek() != EOF) {
				int ch = peek();
				if (stop != EOF && ch == stop) {
					next();
					return new Result(result.toString(), words.words());
				}
				if (ch == '$' && this.expandVariables) {
					String value = processDollar();
					result.append(value);
					words.addString(value);
				}
				else if (ch == '\'' || ch == '"') {
					String quoted = (ch == '\'') ? processSingleQuote() : processDoubleQuote();
					result.append(quoted);
					words.addRawString(quoted);
				}
				else {
					ch = next();
					if (ch == this.escape) {
						if (this.rawEscapes) {
							words.addRawChar(ch);
							result.appendCodePoint(ch);
						}
						ch = next();
						if (ch == EOF) {
							break;
						}
						words.addRawChar(ch);
					}
					else {
						words.addChar(ch);
					}
					result.appendCodePoint(ch);
				}
			}
			if (stop != EOF) {
				throw new LexError(
						"unexpected end of statement while looking for matching " + GoText.runeString(stop));
			}
			return new Result(result.toString(), words.words());
		}
		finally {
			this.rawEscapes = saved;
		}
	}

	private String processSingleQuote() {
		StringBuilder result = new StringBuilder();
		int ch = next();
		if (this.rawQuotes) {
			result.appendCodePoint(ch);
		}
		while (true) {
			ch = next();
			if (ch == EOF) {
				throw new LexError("unexpected end of statement while looking for matching single-quote");
			}
			if (ch == '\'') {
				if (this.rawQuotes) {
					result.appendCodePoint(ch);
				}
				return result.toString();
			}
			result.appendCodePoint(ch);
		}
	}

	private String processDoubleQuote() {
		StringBuilder result = new StringBuilder();
		int ch = next();
		if (this.rawQuotes) {
			result.appendCodePoint(ch);
		}
		while (true) {
			int peek = peek();
			if (peek == EOF) {
				throw new LexError("unexpected end of statement while looking for matching double-quote");
			}
			if (peek == '"') {
				ch = next();
				if (this.rawQuotes) {
					result.appendCodePoint(ch);
				}
				return result.toString();
			}
			if (peek == '$' && this.expandVariables) {
				result.append(processDollar());
				continue;
			}
			ch = next();
			if (ch == this.escape) {
				if (this.rawEscapes) {
					result.appendCodePoint(ch);
				}
				int after = peek();
				if (after == EOF) {
					continue;
				}
				if (after == '"' || after == '$' || after == this.escape) {
					ch = next();
				}
			}
			result.appendCodePoint(ch);
		}
	}

	private String processDollar() {
		next();
		if (peek() != '{') {
			String name = processName();
			if (name.isEmpty()) {
				return "$";
			}
			String value = this.lookup.apply(name);
			if (value == null && this.skipUnsetEnv) {
				return "$" + name;
			}
			return (value != null) ? value : "";
		}
		if (++this.depth > MAX_NESTING) {
			throw new LexError("more than " + MAX_NESTING + " nested substitutions");
		}
		try {
			return processBraces();
		}
		finally {
			this.depth--;
		}
	}

	private String processBraces() {
		next();
		int first = peek();
		if (first == EOF) {
			throw new LexError("syntax error: missing '}'");
		}
		if (first == '{' || first == '}' || first == ':') {
			throw new LexError("syntax error: bad substitution");
		}
		String name = processName();
		int ch = next();
		String modifier = GoText.runeString(ch);
		boolean nullIsUnset = false;
		switch (ch) {
			case '}' -> {
				String value = this.lookup.apply(name);
				if (value == null && this.skipUnsetEnv) {
					return "${" + name + "}";
				}
				return (value != null) ? value : "";
			}
			case ':', '+', '-', '?', '#', '%' -> {
				if (ch == ':') {
					nullIsUnset = true;
					ch = next();
					modifier += GoText.runeString(ch);
				}
				int op = ch;
				String word = wordUntil('}', op == '#' || op == '%', "syntax error: missing '}'");
				String value = this.lookup.apply(name);
				boolean set = value != null;
				if (this.skipUnsetEnv && !set) {
					return "${" + name + modifier + word + "}";
				}
				String current = set ? value : "";
				boolean unset = !set || (nullIsUnset && current.isEmpty());
				return switch (op) {
					case '-' -> unset ? word : current;
					case '+' -> unset ? "" : word;
					case '?' -> {
						if (!set) {
							throw new LexError(name + ": " + (word.isEmpty() ? "is not allowed to be unset" : word));
						}
						if (nullIsUnset && current.isEmpty()) {
							throw new LexError(name + ": " + (word.isEmpty() ? "is not allowed to be empty" : word));
						}
						yield current;
					}
					case '%', '#' -> {
						boolean greedy = !word.isEmpty() && word.charAt(0) == op;
						String pattern = greedy ? word.substring(1) : word;
						yield patternError(() -> (op == '%') ? ShellPattern.trimSuffix(pattern, current, greedy)
								: ShellPattern.trimPrefix(pattern, current, greedy));
					}
					default -> throw new LexError("unsupported modifier (" + modifier + ") in substitution");
				};
			}
			case '/' -> {
				boolean replaceAll = peek() == '/';
				if (replaceAll) {
					next();
				}
				String pattern = wordUntil('/', true, "syntax error: missing '/' in ${}");
				String replacement = wordUntil('}', true, "syntax error: missing '}'");
				String value = this.lookup.apply(name);
				if (this.skipUnsetEnv && value == null) {
					return "${" + name + "/" + pattern + "/" + replacement + "}";
				}
				String current = (value != null) ? value : "";
				return patternError(() -> replaceAll ? ShellPattern.replaceAll(pattern, current, replacement)
						: ShellPattern.replaceFirst(pattern, current, replacement));
			}
			default -> throw new LexError("unsupported modifier (" + modifier + ") in substitution");
		}
	}

	private static String patternError(Supplier<String> substitution) {
		try {
			return substitution.get();
		}
		catch (DockerfileException ex) {
			throw new LexError(ex.getMessage());
		}
	}

	/** The processed word up to {@code stop}; running out of input reports {@code missing} instead. */
	private String wordUntil(int stop, boolean raw, String missing) {
		try {
			return processStopOn(stop, raw).word();
		}
		catch (LexError ex) {
			if (peek() == EOF) {
				throw new LexError(missing);
			}
			throw ex;
		}
	}

	private String processName() {
		StringBuilder name = new StringBuilder();
		while (peek() != EOF) {
			int ch = peek();
			if (name.length() == 0 && Character.isDigit(ch)) {
				while (peek() != EOF && Character.isDigit(peek())) {
					name.appendCodePoint(next());
				}
				return name.toString();
			}
			if (name.length() == 0 && isSpecialParameter(ch)) {
				return GoText.runeString(next());
			}
			if (!Character.isLetter(ch) && !Character.isDigit(ch) && ch != '_') {
				break;
			}
			name.appendCodePoint(next());
		}
		return name.toString();
	}

	private static boolean isSpecialParameter(int ch) {
		return switch (ch) {
			case '@', '*', '#', '?', '-', '$', '!', '0' -> true;
			default -> false;
		};
	}

	private int peek() {
		return (this.pos < this.source.length) ? this.source[this.pos] : EOF;
	}

	private int next() {
		return (this.pos < this.source.length) ? this.source[this.pos++] : EOF;
	}

	record Result(String word, List<String> words) {
	}

	/** moby's {@code wordsStruct}: splits at whitespace that came from the text or a substituted value. */
	static final class Words {

		private final List<String> words = new ArrayList<>();

		private final StringBuilder word = new StringBuilder();

		private boolean inWord;

		void addChar(int ch) {
			if (GoText.isSpace(ch)) {
				if (this.inWord && this.word.length() != 0) {
					this.words.add(this.word.toString());
					this.word.setLength(0);
					this.inWord = false;
				}
			}
			else {
				addRawChar(ch);
			}
		}

		void addRawChar(int ch) {
			this.word.appendCodePoint(ch);
			this.inWord = true;
		}

		void addString(String s) {
			s.codePoints().forEach(this::addChar);
		}

		void addRawString(String s) {
			this.word.append(s);
			this.inWord = true;
		}

		List<String> words() {
			if (this.word.length() > 0) {
				this.words.add(this.word.toString());
				this.word.setLength(0);
				this.inWord = false;
			}
			return List.copyOf(this.words);
		}

	}

	/** An error inside processing, reported wrapped in {@code failed to process "..."}. */
	static final class LexError extends RuntimeException {

		LexError(String message) {
			super(message, null, false, false);
		}

	}

}
