package io.berth.error;

/** An error of kind {@link ErrorKind#NOT_IMPLEMENTED}. */
public class NotImplementedException extends EngineException {

	public NotImplementedException(String message) {
		super(message);
	}

	public NotImplementedException(String message, Throwable cause) {
		super(message, cause);
	}

	@Override
	public ErrorKind kind() {
		return ErrorKind.NOT_IMPLEMENTED;
	}

}
