package io.berth.api.dockercompat.image;

import java.util.List;
import java.util.Locale;

import io.berth.api.dockercompat.FilterArgs;
import io.berth.error.InvalidParameterException;

/** The {@code dangling} filter of the image endpoints, read the way dockerd reads it. */
final class QueryValues {

	private QueryValues() {
	}

	/** The {@code dangling} filter: null when absent; true or false as given, anything else refused. */
	static Boolean dangling(FilterArgs filters) {
		List<String> values = filters.get("dangling");
		if (values.isEmpty()) {
			return null;
		}
		Boolean result = null;
		for (String v : values) {
			boolean b = switch (v.toLowerCase(Locale.ROOT)) {
				case "true", "1" -> true;
				case "false", "0" -> false;
				default -> throw new InvalidParameterException("Invalid filter 'dangling=" + v + "'");
			};
			result = (result == null) ? b : (result || b);
		}
		return result;
	}

}
