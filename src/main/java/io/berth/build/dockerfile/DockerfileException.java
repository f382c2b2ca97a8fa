package io.berth.build.dockerfile;

import io.berth.error.InvalidParameterException;

/** A Dockerfile that cannot be parsed or expanded; a separate type so callers can tell it from other bad input. */
public final class DockerfileException extends InvalidParameterException {

	private final int line;

	/** An error that belongs to no particular line, such as a failed variable expansion. */
	public DockerfileException(String message) {
		super(message);
		this.line = 0;
	}

	private DockerfileException(int line, String message) {
		super("Dockerfile parse error line " + line + ": " + message);
		this.line = line;
	}

	/** An error at a line, worded as the classic builder words it: {@code Dockerfile parse error line N: ...}. */
	public static DockerfileException atLine(int line, String message) {
		return new DockerfileException(line, message);
	}

	/** The 1-based line the error is at, or 0 when it is at none. */
	public int line() {
		return this.line;
	}

}
