package io.berth.error;

/**
 * The root of every error the engine reports. Its message is safe to show users; it is written as
 * dockerd words it, because clients match on some of those texts.
 */
public abstract class EngineException extends RuntimeException {

	protected EngineException(String message) {
		super(message);
	}

	protected EngineException(String message, Throwable cause) {
		super(message, cause);
	}

	public abstract ErrorKind kind();

}
