package io.berth.build.dockerfile;

import java.util.Arrays;

/**
 * The shell patterns of {@code ${VAR#pattern}}, {@code ${VAR%pattern}} and {@code ${VAR/pattern/replacement}}
 * ({@code *}, {@code ?} and {@code \\} escapes), matched with a linear-time automaton where moby compiles a Go regular
 * expression, so a hostile pattern cannot make matching take exponential time.
 */
final class ShellPattern {

	private static final int STAR = -1;

	private static final int ANY = -2;

	/** Literal code points, or {@link #STAR} and {@link #ANY}. */
	private final int[] tokens;

	private ShellPattern(int[] tokens) {
		this.tokens = tokens;
	}

	/**
	 * Compiles a pattern as moby's {@code convertShellPatternToRegex} reads it.
	 * @throws DockerfileException with moby's {@code invalid escape} text
	 */
	static ShellPattern compile(String pattern) {
		int[] in = pattern.codePoints().toArray();
		int[] out = new int[in.length];
		int n = 0;
		for (int i = 0; i < in.length; i++) {
			int tok = in[i];
			if (tok == '*') {
				out[n++] = STAR;
				continue;
			}
			if (tok == '?') {
				out[n++] = ANY;
				continue;
			}
			if (tok == '\\') {
				int peek = (i + 1 < in.length) ? in[i + 1] : -1;
				if (peek == '}' || peek == '/') {
					continue;
				}
				i++;
				if (peek != '*' && peek != '?' && peek != '\\') {
					throw new DockerfileException("invalid escape '\\" + GoText.runeString(peek) + "'");
				}
				tok = peek;
			}
			out[n++] = tok;
		}
		return new ShellPattern(Arrays.copyOf(out, n));
	}

	/**
	 * Where a match starting at {@code start} ends, the shortest or the longest; -1 when none does. Like Go's
	 * {@code .}, neither {@code *} nor {@code ?} matches a newline.
	 */
	int matchEnd(int[] value, int start, boolean longest) {
		int m = this.tokens.length;
		boolean[] active = new boolean[m + 1];
		active[0] = true;
		closure(active);
		int found = -1;
		for (int p = start;; p++) {
			if (active[m]) {
				found = p;
				if (!longest) {
					return found;
				}
			}
			if (p == value.length) {
				return found;
			}
			int ch = value[p];
			boolean[] next = new boolean[m + 1];
			boolean any = false;
			for (int j = 0; j < m; j++) {
				if (!active[j]) {
					continue;
				}
				int tok = this.tokens[j];
				if (tok == STAR) {
					if (ch != '\n') {
						next[j] = true;
						any = true;
					}
				}
				else if ((tok == ANY && ch != '\n') || tok == ch) {
					next[j + 1] = true;
					any = true;
				}
			}
			if (!any) {
				return found;
			}
			closure(next);
			active = next;
		}
	}

	private void closure(boolean[] active) {
		for (int j = 0; j < this.tokens.length; j++) {
			if (active[j] && this.tokens[j] == STAR) {
				active[j + 1] = true;
			}
		}
	}

	/** {@code ${VAR#pattern}} and {@code ${VAR##pattern}}: the value less its shortest or longest matching prefix. */
	static String trimPrefix(String pattern, String value, boolean greedy) {
		ShellPattern compiled = compileForSubstitution(pattern);
		int[] v = value.codePoints().toArray();
		int end = compiled.matchEnd(v, 0, greedy);
		return (end < 0) ? value : new String(v, end, v.length - end);
	}

	/** {@code ${VAR%pattern}} and {@code ${VAR%%pattern}}, by matching the reversed pattern on the reversed value. */
	static String trimSuffix(String pattern, String value, boolean greedy) {
		String reversed = trimPrefix(reversePattern(pattern), reverse(value), greedy);
		return reverse(reversed);
	}

	/** {@code ${VAR/pattern/replacement}}: the leftmost longest match replaced, the replacement taken literally. */
	static String replaceFirst(String pattern, String value, String replacement) {
		ShellPattern compiled = compileForSubstitution(pattern);
		int[] v = value.codePoints().toArray();
		for (int start = 0; start <= v.length; start++) {
			int end = compiled.matchEnd(v, start, true);
			if (end >= 0) {
				return new String(v, 0, start) + replacement + new String(v, end, v.length - end);
			}
		}
		return value;
	}

	/**
	 * {@code ${VAR//pattern/replacement}}: Go's {@code ReplaceAllString}, which skips an empty match right after a
	 * match and reads {@code $0} and {@code $$} in the replacement.
	 */
	static String replaceAll(String pattern, String value, String replacement) {
		ShellPattern compiled = compileForSubstitution(pattern);
		int[] v = value.codePoints().toArray();
		StringBuilder out = new StringBuilder();
		int lastMatchEnd = 0;
		int searchPos = 0;
		while (searchPos <= v.length) {
			int matchStart = -1;
			int matchEnd = -1;
			for (int start = searchPos; start <= v.length; start++) {
				int end = compiled.matchEnd(v, start, true);
				if (end >= 0) {
					matchStart = start;
					matchEnd = end;
					break;
				}
			}
			if (matchStart < 0) {
				break;
			}
			out.append(new String(v, lastMatchEnd, matchStart - lastMatchEnd));
			if (matchEnd > lastMatchEnd || matchStart == 0) {
				expandTemplate(out, replacement, new String(v, matchStart, matchEnd - matchStart));
			}
			lastMatchEnd = matchEnd;
			searchPos = (searchPos + 1 > matchEnd) ? searchPos + 1 : matchEnd;
		}
		out.append(new String(v, lastMatchEnd, v.length - lastMatchEnd));
		return out.toString();
	}

	/** Go's {@code Regexp.expand} for a pattern without groups: {@code $0} is the match, other names are empty. */
	private static void expandTemplate(StringBuilder out, String template, String match) {
		String t = template;
		while (!t.isEmpty()) {
			int dollar = t.indexOf('$');
			if (dollar < 0) {
				break;
			}
			out.append(t, 0, dollar);
			t = t.substring(dollar + 1);
			if (t.startsWith("$")) {
				out.append('$');
				t = t.substring(1);
				continue;
			}
			boolean brace = t.startsWith("{");
			String s = brace ? t.substring(1) : t;
			int i = 0;
			while (i < s.length()) {
				int ch = s.codePointAt(i);
				if (!Character.isLetter(ch) && !Character.isDigit(ch) && ch != '_') {
					break;
				}
				i += Character.charCount(ch);
			}
			if (i == 0 || (brace && (i >= s.length() || s.charAt(i) != '}'))) {
				out.append('$');
				continue;
			}
			String name = s.substring(0, i);
			t = s.substring(brace ? i + 1 : i);
			if (name.equals("0")) {
				out.append(match);
			}
		}
		out.append(t);
	}

	private static ShellPattern compileForSubstitution(String pattern) {
		try {
			return compile(pattern);
		}
		catch (DockerfileException ex) {
			throw new DockerfileException("invalid pattern (" + pattern + ") in substitution: " + ex.getMessage());
		}
	}

	/** moby's {@code reversePattern}: reversed, but each {@code \\x} escape kept in front of its character. */
	static String reversePattern(String pattern) {
		int[] in = pattern.codePoints().toArray();
		int[] out = new int[in.length];
		int last = in.length - 1;
		int i = 0;
		while (i <= last) {
			int tok = in[i];
			int outIdx = last - i;
			if (tok == '\\' && i != last) {
				out[outIdx - 1] = tok;
				out[outIdx] = in[i + 1];
				i += 2;
			}
			else {
				out[outIdx] = tok;
				i++;
			}
		}
		return new String(out, 0, out.length);
	}

	private static String reverse(String s) {
		int[] cps = s.codePoints().toArray();
		for (int i = 0, j = cps.length - 1; i < j; i++, j--) {
			int t = cps[i];
			cps[i] = cps[j];
			cps[j] = t;
		}
		return new String(cps, 0, cps.length);
	}

}
