package io.berth.error;

/** An error of kind {@link ErrorKind#NOT_FOUND}. */
public class NotFoundException extends EngineException {

	public NotFoundException(String message) {
		super(message);
	}

	public NotFoundException(String message, Throwable cause) {
		super(message, cause);
	}

	@Override
	public ErrorKind kind() {
		return ErrorKind.NOT_FOUND;
	}

}
