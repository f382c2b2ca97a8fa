package io.berth.error;

/** The kinds of failure the engine reports, each with the HTTP status the Docker API gives it. */
public enum ErrorKind {

	NOT_FOUND(404), INVALID_PARAMETER(400), CONFLICT(409), NOT_MODIFIED(304), UNAUTHORIZED(401), FORBIDDEN(403),
	NOT_IMPLEMENTED(501), UNAVAILABLE(503), SYSTEM(500);

	private final int status;

	ErrorKind(int status) {
		this.status = status;
	}

	public int status() {
		return this.status;
	}

}
