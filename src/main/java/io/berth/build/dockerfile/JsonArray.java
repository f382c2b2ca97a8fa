package io.berth.build.dockerfile;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * moby's {@code parseJSON}: whether an instruction's arguments are a JSON array of strings (exec form). Invalid JSON
 * means shell form, but valid JSON holding anything but strings is an error, as {@code encoding/json} decides it.
 */
final class JsonArray {

	static final String NOT_STRINGS = "when using JSON array syntax, arrays must be comprised of strings only";

	/** Go's {@code encoding/json} refuses deeper nesting than this as a syntax error. */
	private static final int MAX_DEPTH = 10_000;

	private final String text;

	private int pos;

	private JsonArray(String text) {
		this.text = text;
	}

	/**
	 * The strings of a JSON array, or null when the text is not a JSON array (shell form).
	 * @throws DockerfileException when the text is a valid JSON array with a non-string element
	 */
	static @Nullable List<String> parse(String rest) {
		String trimmed = GoText.trimLeftSpace(rest);
		if (!trimmed.startsWith("[")) {
			return null;
		}
		JsonArray json = new JsonArray(trimmed);
		List<String> strings = new ArrayList<>();
		boolean allStrings;
		try {
			allStrings = json.array(strings);
			json.skipSpace();
			if (json.pos != trimmed.length()) {
				return null;
			}
		}
		catch (Syntax ex) {
			return null;
		}
		if (!allStrings) {
			throw new DockerfileException(NOT_STRINGS);
		}
		return List.copyOf(strings);
	}

	/** Reads the top-level array; true when every element was a string. */
	private boolean array(List<String> strings) {
		this.pos++;
		skipSpace();
		if (peek() == ']') {
			this.pos++;
			return true;
		}
		boolean allStrings = true;
		while (true) {
			skipSpace();
			if (peek() == '"') {
				strings.add(string());
			}
			else {
				value();
				allStrings = false;
			}
			skipSpace();
			int c = next();
			if (c == ']') {
				return allStrings;
			}
			if (c != ',') {
				throw new Syntax();
			}
		}
	}

	/** Skips one JSON value of any kind, without recursion so deep nesting cannot overflow the stack. */
	private void value() {
		StringBuilder open = new StringBuilder();
		while (true) {
			skipSpace();
			int c = peek();
			boolean opened = false;
			switch (c) {
				case '"' -> string();
				case '[', '{' -> {
					if (open.length() + 2 > MAX_DEPTH) {
						throw new Syntax();
					}
					this.pos++;
					open.append((char) c);
					skipSpace();
					int close = (c == '[') ? ']' : '}';
					if (peek() == close) {
						this.pos++;
						open.setLength(open.length() - 1);
					}
					else {
						opened = true;
						if (c == '{') {
							key();
						}
					}
				}
				case 't' -> literal("true");
				case 'f' -> literal("false");
				case 'n' -> literal("null");
				default -> number();
			}
			if (opened) {
				continue;
			}
			// After a complete value: close containers or move on to the next element.
			while (true) {
				if (open.length() == 0) {
					return;
				}
				skipSpace();
				int sep = next();
				char container = open.charAt(open.length() - 1);
				if (sep == ',') {
					if (container == '{') {
						skipSpace();
						key();
					}
					break;
				}
				if ((container == '[' && sep == ']') || (container == '{' && sep == '}')) {
					open.setLength(open.length() - 1);
					continue;
				}
				throw new Syntax();
			}
		}
	}

	private void key() {
		if (peek() != '"') {
			throw new Syntax();
		}
		string();
		skipSpace();
		if (next() != ':') {
			throw new Syntax();
		}
	}

	private void literal(String word) {
		if (!this.text.startsWith(word, this.pos)) {
			throw new Syntax();
		}
		this.pos += word.length();
	}

	private void number() {
		if (peek() == '-') {
			this.pos++;
		}
		if (peek() == '0') {
			this.pos++;
		}
		else if (isDigit(peek())) {
			while (isDigit(peek())) {
				this.pos++;
			}
		}
		else {
			throw new Syntax();
		}
		if (peek() == '.') {
			this.pos++;
			if (!isDigit(peek())) {
				throw new Syntax();
			}
			while (isDigit(peek())) {
				this.pos++;
			}
		}
		if (peek() == 'e' || peek() == 'E') {
			this.pos++;
			if (peek() == '+' || peek() == '-') {
				this.pos++;
			}
			if (!isDigit(peek())) {
				throw new Syntax();
			}
			while (isDigit(peek())) {
				this.pos++;
			}
		}
	}

	private String string() {
		this.pos++;
		StringBuilder out = new StringBuilder();
		while (true) {
			int c = next();
			if (c < 0 || c < 0x20) {
				throw new Syntax();
			}
			if (c == '"') {
				return out.toString();
			}
			if (c != '\\') {
				out.append((char) c);
				continue;
			}
			int e = next();
			switch (e) {
				case '"', '\\', '/' -> out.append((char) e);
				case 'b' -> out.append('\b');
				case 'f' -> out.append('\f');
				case 'n' -> out.append('\n');
				case 'r' -> out.append('\r');
				case 't' -> out.append('\t');
				case 'u' -> out.appendCodePoint(unicodeEscape());
				default -> throw new Syntax();
			}
		}
	}

	/** A {@code \\uXXXX} escape, pairing surrogates as Go does and replacing a lone one with U+FFFD. */
	private int unicodeEscape() {
		int first = hex4();
		if (!Character.isSurrogate((char) first)) {
			return first;
		}
		if (Character.isHighSurrogate((char) first) && this.text.startsWith("\\u", this.pos)) {
			int save = this.pos;
			this.pos += 2;
			int second = hex4();
			if (Character.isLowSurrogate((char) second)) {
				return Character.toCodePoint((char) first, (char) second);
			}
			this.pos = save;
		}
		return 0xFFFD;
	}

	private int hex4() {
		if (this.pos + 4 > this.text.length()) {
			throw new Syntax();
		}
		int value = 0;
		for (int i = 0; i < 4; i++) {
			char c = this.text.charAt(this.pos++);
			int digit = (c < 0x80) ? Character.digit(c, 16) : -1;
			if (digit < 0) {
				throw new Syntax();
			}
			value = value * 16 + digit;
		}
		return value;
	}

	private void skipSpace() {
		while (this.pos < this.text.length()) {
			char c = this.text.charAt(this.pos);
			if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				return;
			}
			this.pos++;
		}
	}

	private int peek() {
		return (this.pos < this.text.length()) ? this.text.charAt(this.pos) : -1;
	}

	private int next() {
		return (this.pos < this.text.length()) ? this.text.charAt(this.pos++) : -1;
	}

	private static boolean isDigit(int c) {
		return c >= '0' && c <= '9';
	}

	/** Not valid JSON: the text is shell form. */
	static final class Syntax extends RuntimeException {

		Syntax() {
			super(null, null, false, false);
		}

	}

}
