package io.berth.build.context;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.berth.error.InvalidParameterException;
import org.jspecify.annotations.Nullable;

/**
 * A {@code .dockerignore}: which paths of a build context COPY and ADD cannot see, with the rules of moby's
 * {@code patternmatcher} and {@code ignorefile}, so a context leaves out exactly what dockerd leaves out.
 * <ul>
 * <li>lines starting with {@code #} are comments; lines are trimmed and blank ones skipped;</li>
 * <li>a pattern is cleaned like Go's {@code filepath.Clean} and one leading {@code /} dropped, so {@code /a},
 * {@code ./a} and {@code a/} are all {@code a};</li>
 * <li>{@code *} and {@code ?} match within one path component, {@code [...]} is a class ({@code ^} negates),
 * {@code \} escapes, {@code **} matches any number of directories (none included);</li>
 * <li>{@code !pattern} re-includes; the last pattern matching a path decides, and a pattern matching a parent
 * directory matches everything below it.</li>
 * </ul>
 * dockerd still reads the Dockerfile and {@code .dockerignore} when they are excluded, but COPY does not see them;
 * {@link BuildContext} reads both directly and {@link SourceTree} applies the rules to everything.
 */
public final class DockerIgnore {

	private static final DockerIgnore EMPTY = new DockerIgnore(List.of());

	private final List<Rule> rules;

	private final boolean hasExceptions;

	private DockerIgnore(List<Rule> rules) {
		this.rules = List.copyOf(rules);
		this.hasExceptions = rules.stream().anyMatch(Rule::exception);
	}

	/** No rules: everything is in the context. */
	public static DockerIgnore empty() {
		return EMPTY;
	}

	/**
	 * Reads a {@code .dockerignore} file's text.
	 * @throws InvalidParameterException for a malformed pattern or a lone {@code !}, naming it
	 */
	public static DockerIgnore parse(String text) {
		List<Rule> rules = new ArrayList<>();
		boolean first = true;
		for (String line : text.split("\n", -1)) {
			if (line.endsWith("\r")) {
				line = line.substring(0, line.length() - 1);
			}
			if (first && line.startsWith("\uFEFF")) {
				line = line.substring(1);
			}
			first = false;
			// As in ignorefile.ReadAll, only a # in the very first column starts a comment.
			if (line.startsWith("#")) {
				continue;
			}
			String pattern = line.strip();
			if (pattern.isEmpty()) {
				continue;
			}
			boolean exception = pattern.charAt(0) == '!';
			if (exception) {
				pattern = pattern.substring(1).strip();
				if (pattern.isEmpty()) {
					throw new InvalidParameterException(
							"error reading .dockerignore: illegal exclusion pattern: \"!\"");
				}
			}
			pattern = GoPaths.clean(pattern);
			if (pattern.length() > 1 && pattern.charAt(0) == '/') {
				pattern = pattern.substring(1);
			}
			rules.add(Rule.compile(pattern, exception));
		}
		return rules.isEmpty() ? EMPTY : new DockerIgnore(rules);
	}

	/** Whether there are no rules. */
	public boolean isEmpty() {
		return this.rules.isEmpty();
	}

	/** The cleaned patterns in order, exceptions with their {@code !}. */
	public List<String> patterns() {
		return this.rules.stream().map((r) -> (r.exception() ? "!" : "") + r.pattern()).toList();
	}

	/**
	 * Whether the path itself is left out of the context ({@code MatchesOrParentMatches}): the last pattern that
	 * matches it or one of its parent directories decides. The root ({@code .}) is never left out.
	 * @param relativePath slash-separated, relative to the context root (a leading {@code /} is ignored)
	 */
	public boolean matches(String relativePath) {
		String path = normalize(relativePath);
		if (path.equals(".") || this.rules.isEmpty()) {
			return false;
		}
		int slash = path.lastIndexOf('/');
		List<String> parents = (slash < 0) ? List.of() : List.of(path.substring(0, slash).split("/"));
		boolean matched = false;
		for (Rule rule : this.rules) {
			if (rule.exception() != matched) {
				continue;
			}
			boolean match = rule.matches(path);
			StringBuilder parent = new StringBuilder();
			for (int i = 0; !match && i < parents.size(); i++) {
				if (i > 0) {
					parent.append('/');
				}
				parent.append(parents.get(i));
				match = rule.matches(parent.toString());
			}
			if (match) {
				matched = !rule.exception();
			}
		}
		return matched;
	}

	/**
	 * Whether a walk of the context leaves the path out. A file is left out when it {@link #matches}; a directory
	 * only when, in addition, no exception pattern could match anything inside it: otherwise the walk goes in and
	 * judges each entry, and the directory is in the context exactly when something inside it is.
	 * @param relativePath slash-separated, relative to the context root (a leading {@code /} is ignored)
	 */
	public boolean excluded(String relativePath, boolean isDirectory) {
		if (!matches(relativePath)) {
			return false;
		}
		return !isDirectory || !exceptionCouldMatchInside(normalize(relativePath));
	}

	private boolean exceptionCouldMatchInside(String dir) {
		if (!this.hasExceptions) {
			return false;
		}
		for (Rule rule : this.rules) {
			if (rule.exception() && rule.couldMatchInside(dir)) {
				return true;
			}
		}
		return false;
	}

	private static String normalize(String relativePath) {
		String path = GoPaths.clean(relativePath);
		while (path.startsWith("/")) {
			path = GoPaths.clean(path.substring(1));
		}
		return path;
	}

	@Override
	public String toString() {
		return "DockerIgnore" + patterns();
	}

	/** How patternmatcher matches a pattern: literally, by prefix or suffix when it can, else by regular expression. */
	private enum Kind {

		EXACT, PREFIX, SUFFIX, REGEX

	}

	/**
	 * One compiled pattern. The translation follows patternmatcher's {@code compile}, except that classes and
	 * escapes keep their {@code filepath.Match} meaning rather than leaking regular-expression syntax.
	 */
	private record Rule(String pattern, boolean exception, Kind kind, @Nullable Pattern regex) {

		static Rule compile(String pattern, boolean exception) {
			try {
				GoPaths.validate(pattern);
			}
			catch (GoPaths.BadPatternException ex) {
				throw new InvalidParameterException("error reading .dockerignore: syntax error in pattern: "
						+ (exception ? "!" : "") + pattern);
			}
			int[] cps = pattern.codePoints().toArray();
			StringBuilder re = new StringBuilder();
			Kind kind = Kind.EXACT;
			int k = 0;
			for (int i = 0; k < cps.length; i++) {
				int ch = cps[k++];
				if (ch == '*') {
					if (k < cps.length && cps[k] == '*') {
						k++;
						if (k < cps.length && cps[k] == '/') {
							k++;
						}
						if (k == cps.length) {
							if (kind == Kind.EXACT) {
								kind = Kind.PREFIX;
							}
							else {
								re.append(".*");
								kind = Kind.REGEX;
							}
						}
						else {
							re.append("(?:.*/)?");
							kind = Kind.REGEX;
						}
						if (i == 0) {
							kind = Kind.SUFFIX;
						}
					}
					else {
						re.append("[^/]*");
						kind = Kind.REGEX;
					}
				}
				else if (ch == '?') {
					re.append("[^/]");
					kind = Kind.REGEX;
				}
				else if (ch == '\\') {
					// validate() refused a trailing backslash.
					re.append(literal(cps[k++]));
					kind = Kind.REGEX;
				}
				else if (ch == '[') {
					k = appendClass(cps, k, re);
					kind = Kind.REGEX;
				}
				else {
					re.append(literal(ch));
				}
			}
			Pattern regex = (kind == Kind.REGEX) ? Pattern.compile(re.toString(), Pattern.DOTALL) : null;
			return new Rule(pattern, exception, kind, regex);
		}

		/** Appends the class whose {@code [} was just read; returns the index after its {@code ]}. */
		private static int appendClass(int[] cps, int k, StringBuilder re) {
			re.append('[');
			if (cps[k] == '^') {
				re.append('^');
				k++;
			}
			int ranges = 0;
			while (!(cps[k] == ']' && ranges > 0)) {
				int lo = cps[k] == '\\' ? cps[++k] : cps[k];
				k++;
				int hi = lo;
				if (cps[k] == '-') {
					k++;
					hi = cps[k] == '\\' ? cps[++k] : cps[k];
					k++;
				}
				if (lo > hi) {
					// Go's regexp would refuse the range when matching; refuse it up front instead.
					throw new InvalidParameterException("error reading .dockerignore: syntax error in pattern: "
							+ new String(cps, 0, cps.length) + " (range out of order)");
				}
				re.append(literal(lo));
				if (hi != lo) {
					re.append('-').append(literal(hi));
				}
				ranges++;
			}
			re.append(']');
			return k + 1;
		}

		private static String literal(int codePoint) {
			return "\\x{" + Integer.toHexString(codePoint) + "}";
		}

		boolean matches(String path) {
			return switch (this.kind) {
				case EXACT -> path.equals(this.pattern);
				case PREFIX -> path.startsWith(this.pattern.substring(0, this.pattern.length() - 2));
				case SUFFIX -> {
					String suffix = this.pattern.substring(2);
					yield path.endsWith(suffix) || (suffix.startsWith("/") && path.equals(suffix.substring(1)));
				}
				case REGEX -> this.regex.matcher(path).matches();
			};
		}

		/** Whether some path strictly inside the directory could match; may say yes too often, never too rarely. */
		boolean couldMatchInside(String dir) {
			String inside = dir + "/";
			return switch (this.kind) {
				case EXACT -> this.pattern.startsWith(inside);
				case PREFIX -> {
					String prefix = this.pattern.substring(0, this.pattern.length() - 2);
					yield inside.startsWith(prefix) || prefix.startsWith(inside);
				}
				case SUFFIX -> true;
				case REGEX -> {
					Matcher m = this.regex.matcher(inside);
					yield m.matches() || m.hitEnd();
				}
			};
		}

	}

}
