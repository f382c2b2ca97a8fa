package io.berth.dashboard.api;

import java.util.ArrayList;
import java.util.List;

/** Splits a command line as a POSIX shell would (quotes and backslashes, no expansion) and quotes words back. */
final class ShellWords {

	private ShellWords() {
	}

	static List<String> split(String line) {
		List<String> words = new ArrayList<>();
		StringBuilder word = new StringBuilder();
		boolean inWord = false;
		char quote = 0;
		for (int i = 0; i < line.length(); i++) {
			char c = line.charAt(i);
			if (quote == '\'') {
				if (c == '\'') {
					quote = 0;
				}
				else {
					word.append(c);
				}
			}
			else if (quote == '"') {
				if (c == '"') {
					quote = 0;
				}
				else if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
					word.append(line.charAt(++i));
				}
				else {
					word.append(c);
				}
			}
			else if (c == '\'' || c == '"') {
				quote = c;
				inWord = true;
			}
			else if (c == '\\' && i + 1 < line.length()) {
				word.append(line.charAt(++i));
				inWord = true;
			}
			else if (Character.isWhitespace(c)) {
				if (inWord) {
					words.add(word.toString());
					word.setLength(0);
					inWord = false;
				}
			}
			else {
				word.append(c);
				inWord = true;
			}
		}
		if (quote != 0) {
			throw new FieldException("cmd", "unterminated " + ((quote == '"') ? "double" : "single") + " quote in the command");
		}
		if (inWord) {
			words.add(word.toString());
		}
		return words;
	}

	static String join(List<String> words) {
		StringBuilder s = new StringBuilder();
		for (String w : words) {
			if (!s.isEmpty()) {
				s.append(' ');
			}
			s.append(quote(w));
		}
		return s.toString();
	}

	static String quote(String word) {
		if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) {
			return word;
		}
		return "'" + word.replace("'", "'\\''") + "'";
	}

}
