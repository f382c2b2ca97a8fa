package io.berth.build.context;

import java.util.ArrayList;
import java.util.List;

/**
 * Go's {@code path/filepath} functions that Docker's rules are written in terms of, ported for {@code /} as the
 * separator, so that cleaning and globbing give exactly the answers dockerd gives.
 */
final class GoPaths {

	private GoPaths() {
	}

	/** A pattern {@code filepath.Match} refuses: a bad {@code [} class or a trailing {@code \}. */
	static final class BadPatternException extends Exception {

		BadPatternException() {
			super("syntax error in pattern", null, false, false);
		}

	}

	/** {@code filepath.Clean}: the shortest lexically equivalent path. */
	static String clean(String path) {
		if (path.isEmpty()) {
			return ".";
		}
		boolean rooted = path.charAt(0) == '/';
		List<String> out = new ArrayList<>();
		for (String part : path.split("/")) {
			if (part.isEmpty() || part.equals(".")) {
				continue;
			}
			if (part.equals("..")) {
				if (!out.isEmpty() && !out.get(out.size() - 1).equals("..")) {
					out.remove(out.size() - 1);
				}
				else if (!rooted) {
					out.add("..");
				}
				continue;
			}
			out.add(part);
		}
		String joined = String.join("/", out);
		if (rooted) {
			return "/" + joined;
		}
		return joined.isEmpty() ? "." : joined;
	}

	/** The non-empty components of a path other than {@code .}; {@code ..} is kept for the caller to judge. */
	static List<String> split(String path) {
		List<String> out = new ArrayList<>();
		for (String part : path.split("/")) {
			if (!part.isEmpty() && !part.equals(".")) {
				out.add(part);
			}
		}
		return out;
	}

	/** Whether dockerd's COPY would glob the source ({@code containsWildcards}): an unescaped *, ? or [. */
	static boolean containsWildcards(String name) {
		for (int i = 0; i < name.length(); i++) {
			char ch = name.charAt(i);
			if (ch == '\\') {
				i++;
			}
			else if (ch == '*' || ch == '?' || ch == '[') {
				return true;
			}
		}
		return false;
	}

	/** Checks the pattern's syntax as {@code filepath.Match(pattern, ".")} does. */
	static void validate(String pattern) throws BadPatternException {
		match(pattern, ".");
	}

	/**
	 * {@code filepath.Match}: {@code *} is any run of non-separators, {@code ?} one non-separator, {@code [...]} a
	 * class ({@code ^} negates, {@code a-z} ranges), {@code \} escapes the next character.
	 */
	static boolean match(String pattern, String name) throws BadPatternException {
		int[] p = pattern.codePoints().toArray();
		int[] n = name.codePoints().toArray();
		int pi = 0;
		int ni = 0;
		next: while (pi < p.length) {
			boolean star = false;
			while (pi < p.length && p[pi] == '*') {
				pi++;
				star = true;
			}
			int chunkStart = pi;
			int chunkEnd = chunkEnd(p, pi);
			pi = chunkEnd;
			if (star && chunkStart == chunkEnd) {
				// A trailing * matches the rest unless it holds a separator.
				for (int i = ni; i < n.length; i++) {
					if (n[i] == '/') {
						return false;
					}
				}
				return true;
			}
			int rest = matchChunk(p, chunkStart, chunkEnd, n, ni);
			if (rest >= 0 && (rest == n.length || pi < p.length)) {
				ni = rest;
				continue;
			}
			if (star) {
				for (int i = ni; i < n.length && n[i] != '/'; i++) {
					rest = matchChunk(p, chunkStart, chunkEnd, n, i + 1);
					if (rest >= 0) {
						if (pi == p.length && rest < n.length) {
							continue;
						}
						ni = rest;
						continue next;
					}
				}
			}
			// Before answering no, the rest of the pattern must still be well formed.
			while (pi < p.length) {
				while (pi < p.length && p[pi] == '*') {
					pi++;
				}
				int end = chunkEnd(p, pi);
				matchChunk(p, pi, end, new int[0], 0);
				pi = end;
			}
			return false;
		}
		return ni == n.length;
	}

	private static int chunkEnd(int[] p, int start) {
		boolean inRange = false;
		int i = start;
		for (; i < p.length; i++) {
			switch (p[i]) {
				case '\\' -> {
					if (i + 1 < p.length) {
						i++;
					}
				}
				case '[' -> inRange = true;
				case ']' -> inRange = false;
				case '*' -> {
					if (!inRange) {
						return i;
					}
				}
				default -> {
				}
			}
		}
		return i;
	}

	/** Matches one chunk at the start of {@code n[s..]}; the index after it, or -1. Checks the syntax throughout. */
	private static int matchChunk(int[] p, int start, int end, int[] n, int s) throws BadPatternException {
		boolean failed = false;
		int i = start;
		while (i < end) {
			if (!failed && s == n.length) {
				failed = true;
			}
			int c = p[i];
			if (c == '[') {
				int r = 0;
				if (!failed) {
					r = n[s++];
				}
				i++;
				boolean negated = false;
				if (i < end && p[i] == '^') {
					negated = true;
					i++;
				}
				boolean matched = false;
				int ranges = 0;
				while (true) {
					if (i < end && p[i] == ']' && ranges > 0) {
						i++;
						break;
					}
					ClassChar lo = ClassChar.at(p, i, end);
					ClassChar hi = lo;
					if (p[lo.next()] == '-') {
						hi = ClassChar.at(p, lo.next() + 1, end);
					}
					i = hi.next();
					if (lo.value() <= r && r <= hi.value()) {
						matched = true;
					}
					ranges++;
				}
				if (matched == negated) {
					failed = true;
				}
			}
			else if (c == '?') {
				if (!failed) {
					if (n[s] == '/') {
						failed = true;
					}
					s++;
				}
				i++;
			}
			else {
				if (c == '\\') {
					i++;
					if (i >= end) {
						throw new BadPatternException();
					}
					c = p[i];
				}
				if (!failed) {
					if (c != n[s]) {
						failed = true;
					}
					s++;
				}
				i++;
			}
		}
		return failed ? -1 : s;
	}

	/** One possibly escaped character of a class, and the index after it (which the class must still continue to). */
	private record ClassChar(int value, int next) {

		static ClassChar at(int[] p, int i, int end) throws BadPatternException {
			if (i >= end || p[i] == '-' || p[i] == ']') {
				throw new BadPatternException();
			}
			int at = i;
			if (p[at] == '\\') {
				at++;
				if (at >= end) {
					throw new BadPatternException();
				}
			}
			if (at + 1 >= end) {
				throw new BadPatternException();
			}
			return new ClassChar(p[at], at + 1);
		}

	}

}
