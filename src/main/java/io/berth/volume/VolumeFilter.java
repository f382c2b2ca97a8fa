package io.berth.volume;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.berth.error.InvalidParameterException;

/**
 * The filters of {@code GET /volumes} ({@code dangling}, {@code name}, {@code driver}, {@code label}) and of
 * {@code POST /volumes/prune} ({@code label}, {@code label!}), matched as dockerd does: values of one key OR, keys
 * AND, but every {@code label} must match; {@code name} is an unanchored regular expression (so a plain string
 * matches as a substring).
 *
 * @see <a href="https://github.com/moby/moby/blob/v20.10.24/volume/service/convert.go">moby volume filters</a>
 */
record VolumeFilter(Map<String, List<String>> terms) {

	static final Set<String> LIST_KEYS = Set.of("dangling", "name", "driver", "label");

	static final Set<String> PRUNE_KEYS = Set.of("label", "label!");

	VolumeFilter {
		terms = Map.copyOf(terms);
	}

	static VolumeFilter forList(Map<String, List<String>> terms) {
		VolumeFilter filter = validated(terms, LIST_KEYS);
		for (String v : filter.values("dangling")) {
			if (dangling(v) == null) {
				throw new InvalidParameterException("invalid filter 'dangling=" + v + "'");
			}
		}
		return filter;
	}

	static VolumeFilter forPrune(Map<String, List<String>> terms) {
		return validated(terms, PRUNE_KEYS);
	}

	private static VolumeFilter validated(Map<String, List<String>> terms, Set<String> accepted) {
		for (String key : terms.keySet()) {
			if (!accepted.contains(key)) {
				throw new InvalidParameterException("invalid filter '" + key + "'");
			}
		}
		return new VolumeFilter(terms);
	}

	/** Whether the filter asks who uses volumes, which costs a call per volume. */
	boolean needsUsage() {
		return !values("dangling").isEmpty();
	}

	boolean matches(VolumeInfo volume, boolean inUse) {
		List<String> dangling = values("dangling");
		if (!dangling.isEmpty() && dangling.stream().noneMatch((v) -> dangling(v) == !inUse)) {
			return false;
		}
		List<String> names = values("name");
		if (!names.isEmpty() && names.stream().noneMatch((n) -> nameMatches(n, volume.name()))) {
			return false;
		}
		List<String> drivers = values("driver");
		if (!drivers.isEmpty() && !drivers.contains(volume.driver())) {
			return false;
		}
		if (!values("label").stream().allMatch((l) -> labelMatches(l, volume.labels()))) {
			return false;
		}
		List<String> excluded = values("label!");
		return excluded.isEmpty() || !excluded.stream().allMatch((l) -> labelMatches(l, volume.labels()));
	}

	private List<String> values(String key) {
		return this.terms.getOrDefault(key, List.of());
	}

	private static Boolean dangling(String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "true", "1" -> Boolean.TRUE;
			case "false", "0" -> Boolean.FALSE;
			default -> null;
		};
	}

	private static boolean nameMatches(String pattern, String name) {
		if (pattern.equals(name)) {
			return true;
		}
		try {
			return Pattern.compile(pattern).matcher(name).find();
		}
		catch (PatternSyntaxException ex) {
			return false;
		}
	}

	private static boolean labelMatches(String term, Map<String, String> labels) {
		int eq = term.indexOf('=');
		if (eq < 0) {
			return labels.containsKey(term);
		}
		return term.substring(eq + 1).equals(labels.get(term.substring(0, eq)));
	}

}
