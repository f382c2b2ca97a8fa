package io.berth.build.dockerfile;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A parsed Dockerfile: its instructions in order and the parser directives that shape how they are read. It is a
 * value class rather than a record only because Jazzer 0.24's fuzzing instrumentation corrupts records whose
 * components carry type annotations such as {@code @Nullable}.
 */
public final class Dockerfile {

	private final List<Instruction> instructions;

	private final char escape;

	private final @Nullable String syntax;

	/**
	 * A Dockerfile of these instructions.
	 * @param instructions the instructions, never empty; ARGs may come before the first FROM, nothing else
	 * @param escape the escape character ({@code \\}, or {@code `} with {@code # escape=`}), which the builder
	 * passes to {@link ShellLex} when it expands arguments
	 * @param syntax the {@code # syntax=} directive's value, or null; the classic builder records but ignores it
	 */
	public Dockerfile(List<Instruction> instructions, char escape, @Nullable String syntax) {
		this.instructions = List.copyOf(instructions);
		if (this.instructions.isEmpty()) {
			throw new IllegalArgumentException("a Dockerfile has at least one instruction");
		}
		if (escape != '\\' && escape != '`') {
			throw new IllegalArgumentException("escape must be \\ or `: " + escape);
		}
		this.escape = escape;
		this.syntax = syntax;
	}

	/** The instructions in order. */
	public List<Instruction> instructions() {
		return this.instructions;
	}

	/** The escape character, {@code \\} unless an {@code # escape=} directive says {@code `}. */
	public char escape() {
		return this.escape;
	}

	/** The {@code # syntax=} directive's value, or null. */
	public @Nullable String syntax() {
		return this.syntax;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof Dockerfile that && this.instructions.equals(that.instructions)
				&& this.escape == that.escape && Objects.equals(this.syntax, that.syntax);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.instructions, this.escape, this.syntax);
	}

	@Override
	public String toString() {
		return "Dockerfile[instructions=" + this.instructions + ", escape=" + this.escape + ", syntax=" + this.syntax
				+ "]";
	}

	/**
	 * Parses a Dockerfile as the classic builder does, checking each instruction as Docker does before the first
	 * step runs: the line parser's checks, then each instruction's arguments and flags, then that only ARGs come
	 * before the first FROM.
	 * @throws DockerfileException worded as Docker words it: {@code the Dockerfile (Dockerfile) cannot be empty} for
	 * an empty text, {@code file with no instructions} for one holding only comments and blank lines, otherwise
	 * {@code Dockerfile parse error line N: ...}, for example {@code unknown instruction: FOO},
	 * {@code unknown flag: foo} or {@code no build stage in current context}
	 */
	public static Dockerfile parse(String text) {
		Objects.requireNonNull(text, "text");
		if (text.isEmpty()) {
			throw new DockerfileException("the Dockerfile (Dockerfile) cannot be empty");
		}
		return new DockerfileParser(text).parse();
	}

	/**
	 * Parses an ONBUILD trigger stored in a base image's config (an {@link Instruction#triggerExpression()}) as the
	 * classic builder does when a child image's FROM runs it: as a small Dockerfile with the default escape, each
	 * instruction checked, none of them ONBUILD, FROM or MAINTAINER.
	 * @throws DockerfileException when the trigger is not a valid instruction
	 */
	public static List<Instruction> parseTrigger(String trigger) {
		Objects.requireNonNull(trigger, "trigger");
		return new DockerfileParser(trigger).parseTrigger();
	}

}
