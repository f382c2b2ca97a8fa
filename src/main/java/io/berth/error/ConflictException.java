package io.berth.error;

/** An error of kind {@link ErrorKind#CONFLICT}. */
public class ConflictException extends EngineException {

	public ConflictException(String message) {
		super(message);
	}

	public ConflictException(String message, Throwable cause) {
		super(message, cause);
	}

	@Override
	public ErrorKind kind() {
		return ErrorKind.CONFLICT;
	}

}
