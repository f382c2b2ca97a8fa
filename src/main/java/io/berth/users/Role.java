package io.berth.users;

import java.util.Locale;

import io.berth.error.InvalidParameterException;

/** What a dashboard user may do; each role may do everything the roles before it may. */
public enum Role {

	/** Reads everything. */
	VIEWER,
	/** Also acts on containers: run, start, stop, remove, exec. */
	OPERATOR,
	/** Also manages users and settings. */
	ADMIN;

	public boolean allows(Role required) {
		return compareTo(required) >= 0;
	}

	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static Role parse(String text) {
		if (text != null) {
			for (Role r : values()) {
				if (r.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
					return r;
				}
			}
		}
		throw new InvalidParameterException("unknown role \"" + text + "\": use admin, operator or viewer");
	}

}
