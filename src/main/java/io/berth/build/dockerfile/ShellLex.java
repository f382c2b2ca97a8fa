package io.berth.build.dockerfile;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Variable expansion as moby's {@code shell.Lex} does it for the instructions that expand, so a Dockerfile's
 * {@code $VAR}, {@code ${VAR:-default}}, quotes and escapes mean in Berth what they mean in Docker.
 * <p>
 * Supported: {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-w}}, {@code ${VAR-w}}, {@code ${VAR:+w}}, {@code ${VAR+w}},
 * {@code ${VAR:?w}} and {@code ${VAR?w}} (errors), {@code ${VAR#p}}, {@code ${VAR##p}}, {@code ${VAR%p}},
 * {@code ${VAR%%p}}, {@code ${VAR/p/r}} and {@code ${VAR//p/r}}, words nesting further expansions, single quotes
 * (literal), double quotes (expanding) and the escape character. Unset variables expand to nothing.
 */
public final class ShellLex {

	/** The instructions whose arguments the classic builder expands (FROM only with the ARGs before the first FROM). */
	private static final Set<String> EXPANDING = Set.of("ADD", "ARG", "COPY", "ENV", "EXPOSE", "FROM", "LABEL",
			"STOPSIGNAL", "USER", "VOLUME", "WORKDIR");

	private ShellLex() {
	}

	/**
	 * Expands one word, keeping its whitespace, as moby's {@code ProcessWord}.
	 * @param word the text as written in the Dockerfile
	 * @param escape the Dockerfile's escape character
	 * @param lookup a variable's value, or null when it is unset
	 * @throws DockerfileException worded as Docker's, for example
	 * {@code failed to process "${a:x}": unsupported modifier (:x) in substitution}
	 */
	public static String expand(String word, char escape, Function<String, @Nullable String> lookup) {
		return new Lexer(escape, lookup).processWord(word);
	}

	/**
	 * Expands a text and splits it into words at unquoted whitespace, including whitespace that came from a
	 * variable's value, as moby's {@code ProcessWords}; empty words are dropped.
	 * @throws DockerfileException as {@link #expand}
	 */
	public static List<String> expandWords(String text, char escape, Function<String, @Nullable String> lookup) {
		return new Lexer(escape, lookup).processWords(text);
	}

	/**
	 * Removes quotes and processes escapes without expanding anything, {@code $} staying literal.
	 * @throws DockerfileException when a quote is not closed
	 */
	public static String unquote(String word, char escape) {
		return new Lexer(escape, (name) -> null).expandVariables(false).processWord(word);
	}

	/** Whether the classic builder expands variables in this instruction's arguments (any case). */
	public static boolean expands(String keyword) {
		return EXPANDING.contains(keyword.toUpperCase(Locale.ROOT));
	}

}
