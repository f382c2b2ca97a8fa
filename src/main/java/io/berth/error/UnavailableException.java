package io.berth.error;

/** An error of kind {@link ErrorKind#UNAVAILABLE}. */
public class UnavailableException extends EngineException {

	public UnavailableException(String message) {
		super(message);
	}

	public UnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

	@Override
	public ErrorKind kind() {
		return ErrorKind.UNAVAILABLE;
	}

}
