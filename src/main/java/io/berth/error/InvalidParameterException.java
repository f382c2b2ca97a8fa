package io.berth.error;

/** An error of kind {@link ErrorKind#INVALID_PARAMETER}. */
public class InvalidParameterException extends EngineException {

	public InvalidParameterException(String message) {
		super(message);
	}

	public InvalidParameterException(String message, Throwable cause) {
		super(message, cause);
	}

	@Override
	public ErrorKind kind() {
		return ErrorKind.INVALID_PARAMETER;
	}

}
