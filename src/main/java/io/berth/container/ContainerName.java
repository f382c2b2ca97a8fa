package io.berth.container;

import java.security.SecureRandom;
import java.util.List;
import java.util.regex.Pattern;

import io.berth.error.InvalidParameterException;

/** A container name: Docker's rule {@code [a-zA-Z0-9][a-zA-Z0-9_.-]+}, stored without the leading slash. */
public record ContainerName(String value) {

	private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]+");

	private static final List<String> ADJECTIVES = List.of("brave", "calm", "eager", "fancy", "gentle", "happy",
			"jolly", "keen", "lucid", "merry", "nimble", "proud", "quiet", "sharp", "swift", "tidy", "vivid", "witty");

	private static final List<String> NOUNS = List.of("anchor", "buoy", "cargo", "dock", "ferry", "harbor", "jetty",
			"keel", "lighthouse", "mast", "pier", "quay", "rudder", "sail", "tug", "wharf");

	private static final SecureRandom RANDOM = new SecureRandom();

	public ContainerName {
		String v = value.startsWith("/") ? value.substring(1) : value;
		if (!VALID.matcher(v).matches()) {
			throw new InvalidParameterException("Invalid container name (" + value
					+ "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
		}
		value = v;
	}

	/** A readable random name such as {@code swift_harbor}, as dockerd generates when none is given. */
	public static ContainerName random() {
		return new ContainerName(ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "_"
				+ NOUNS.get(RANDOM.nextInt(NOUNS.size())) + "_" + Integer.toHexString(RANDOM.nextInt(0x10000)));
	}

}
