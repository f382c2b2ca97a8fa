package io.berth.runtime;

import io.berth.error.SystemException;

/** A runtime or monitor command that failed; the message is the native program's own one-line error. */
public class RuntimeCommandException extends SystemException {

	public RuntimeCommandException(String message) {
		super(message);
	}

}
