package io.berth.error;

/** An error of kind {@link ErrorKind#SYSTEM}. */
public class SystemException extends EngineException {

	public SystemException(String message) {
		super(message);
	}

	public SystemException(String message, Throwable cause) {
		super(message, cause);
	}

	@Override
	public ErrorKind kind() {
		return ErrorKind.SYSTEM;
	}

}
