package io.berth.build;

/**
 * A build that failed after it started streaming, reported in the stream as {@code errorDetail} with the code the
 * classic builder gives: a RUN's exit code, or 1.
 */
public class BuildFailedException extends RuntimeException {

	private final int code;

	public BuildFailedException(String message, int code) {
		super(message);
		this.code = code;
	}

	public BuildFailedException(String message, int code, Throwable cause) {
		super(message, cause);
		this.code = code;
	}

	public int code() {
		return this.code;
	}

}
