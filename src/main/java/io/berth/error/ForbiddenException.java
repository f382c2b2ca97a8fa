package io.berth.error;

/** An error of kind {@link ErrorKind#FORBIDDEN}: the request names something that must not be changed. */
public class ForbiddenException extends EngineException {

	public ForbiddenException(String message) {
		super(message);
	}

	@Override
	public ErrorKind kind() {
		return ErrorKind.FORBIDDEN;
	}

}
