package io.berth.dashboard.api;

import io.berth.error.InvalidParameterException;

/** A run-form value the server refused, naming the field so the page can mark it. */
class FieldException extends InvalidParameterException {

	private final String field;

	FieldException(String field, String message) {
		super(message);
		this.field = field;
	}

	String field() {
		return this.field;
	}

}
