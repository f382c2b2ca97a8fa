package io.berth.error;

/** An error of kind {@link ErrorKind#UNAUTHORIZED}: a registry refused the credentials, or asked for some. */
public class UnauthorizedException extends EngineException {

	public UnauthorizedException(String message) {
		super(message);
	}

	@Override
	public ErrorKind kind() {
		return ErrorKind.UNAUTHORIZED;
	}

}
