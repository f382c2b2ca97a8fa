package io.berth.users;

import java.util.regex.Pattern;

import io.berth.error.InvalidParameterException;

/** A dashboard user's name: 1 to 64 letters, digits, and {@code . _ -}, starting with a letter or digit. */
public record Username(String value) {

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

	public Username {
		if (value == null || !VALID.matcher(value).matches()) {
			throw new InvalidParameterException("invalid user name \"" + value
					+ "\": use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
		}
	}

	@Override
	public String toString() {
		return this.value;
	}

}
