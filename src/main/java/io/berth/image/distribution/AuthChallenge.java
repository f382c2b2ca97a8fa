package io.berth.image.distribution;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header, such as
 * {@code Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"}.
 *
 * @param scheme {@code bearer} or {@code basic}, lower case
 * @param parameters the auth-params, keys lower case
 */
record AuthChallenge(String scheme, Map<String, String> parameters) {

	AuthChallenge {
		parameters = Map.copyOf(parameters);
	}

	boolean isBearer() {
		return this.scheme.equals("bearer");
	}

	boolean isBasic() {
		return this.scheme.equals("basic");
	}

	String parameter(String name) {
		return this.parameters.getOrDefault(name, "");
	}

	/** Parses every header value; the first Bearer challenge wins over Basic, as in the distribution client. */
	static AuthChallenge choose(List<String> headerValues) {
		AuthChallenge basic = null;
		for (String value : headerValues) {
			AuthChallenge c = parse(value);
			if (c == null) {
				continue;
			}
			if (c.isBearer()) {
				return c;
			}
			if (c.isBasic() && basic == null) {
				basic = c;
			}
		}
		return basic;
	}

	/** Parses {@code Scheme k=v, k="quoted \" value"}; returns null for an empty or malformed value. */
	static AuthChallenge parse(String value) {
		if (value == null) {
			return null;
		}
		String s = value.trim();
		int i = 0;
		while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
			i++;
		}
		if (i == 0) {
			return null;
		}
		String scheme = s.substring(0, i).toLowerCase(Locale.ROOT);
		Map<String, String> params = new HashMap<>();
		while (i < s.length()) {
			while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == ',')) {
				i++;
			}
			int keyStart = i;
			while (i < s.length() && s.charAt(i) != '=' && s.charAt(i) != ',' && !Character.isWhitespace(s.charAt(i))) {
				i++;
			}
			String key = s.substring(keyStart, i).toLowerCase(Locale.ROOT);
			if (i >= s.length() || s.charAt(i) != '=') {
				continue;
			}
			i++;
			StringBuilder val = new StringBuilder();
			if (i < s.length() && s.charAt(i) == '"') {
				i++;
				while (i < s.length() && s.charAt(i) != '"') {
					if (s.charAt(i) == '\\' && i + 1 < s.length()) {
						i++;
					}
					val.append(s.charAt(i++));
				}
				i++;
			}
			else {
				while (i < s.length() && s.charAt(i) != ',') {
					val.append(s.charAt(i++));
				}
			}
			if (!key.isEmpty()) {
				params.put(key, val.toString().trim());
			}
		}
		return new AuthChallenge(scheme, params);
	}

}
