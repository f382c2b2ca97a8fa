package io.berth.error;

/** An error of kind {@link ErrorKind#NOT_MODIFIED}. */
public class NotModifiedException extends EngineException {

	public NotModifiedException(String message) {
		super(message);
	}

	public NotModifiedException(String message, Throwable cause) {
		super(message, cause);
	}

	@Override
	public ErrorKind kind() {
		return ErrorKind.NOT_MODIFIED;
	}

}
