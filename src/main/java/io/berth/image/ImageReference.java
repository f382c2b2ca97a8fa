package io.berth.image;

import java.util.regex.Pattern;

import io.berth.content.Digest;

/**
 * A normalized image name as Docker's reference grammar defines it: {@code [domain/]path[:tag][@digest]}, where Docker
 * Hub names are completed to {@code docker.io/library/...}. Two references that name the same thing are equal.
 *
 * @param domain registry host, {@code docker.io} for Docker Hub
 * @param path repository path inside the registry, {@code library/busybox} for official images
 * @param tag the tag, empty when absent
 * @param digest the manifest digest, {@code null} when absent
 * @see <a href="https://github.com/distribution/reference/blob/main/reference.go">distribution/reference</a>
 */
public record ImageReference(String domain, String path, String tag, Digest digest) {

	public static final String DOCKER_HUB = "docker.io";

	public static final String DEFAULT_TAG = "latest";

	private static final String COMPONENT = "[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*";

	private static final Pattern PATH = Pattern.compile("^" + COMPONENT + "(?:/" + COMPONENT + ")*$");

	private static final Pattern DOMAIN = Pattern
		.compile("^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*"
				+ "[a-zA-Z0-9]))*(?::[0-9]+)?$");

	private static final Pattern TAG = Pattern.compile("^[\\w][\\w.-]{0,127}$");

	private static final Pattern HEX64 = Pattern.compile("^[a-f0-9]{64}$");

	private static final int NAME_MAX = 255;

	public ImageReference {
		if (domain == null || !DOMAIN.matcher(domain).matches() || path == null || !PATH.matcher(path).matches()) {
			throw new InvalidReferenceException("invalid reference format");
		}
		tag = (tag != null) ? tag : "";
		if (!tag.isEmpty() && !TAG.matcher(tag).matches()) {
			throw new InvalidReferenceException("invalid reference format");
		}
		if (domain.length() + 1 + path.length() > NAME_MAX) {
			throw new InvalidReferenceException("invalid reference format: repository name must not be more than "
					+ NAME_MAX + " characters");
		}
	}

	/**
	 * Parses and normalizes a reference as the docker CLI does ({@code ParseNormalizedNamed}); no tag is added.
	 * @throws InvalidReferenceException with dockerd's wording when the text is not a reference
	 */
	public static ImageReference parse(String text) {
		if (text == null || text.isEmpty()) {
			throw new InvalidReferenceException("invalid reference format");
		}
		if (HEX64.matcher(text).matches()) {
			throw new InvalidReferenceException(
					"invalid repository name (" + text + "), cannot specify 64-byte hexadecimal strings");
		}
		String rest = text;
		Digest digest = null;
		int at = rest.indexOf('@');
		if (at >= 0) {
			String d = rest.substring(at + 1);
			if (!Digest.isDigest(d)) {
				throw new InvalidReferenceException("invalid reference format");
			}
			digest = Digest.parse(d);
			rest = rest.substring(0, at);
		}
		String tag = "";
		int colon = rest.lastIndexOf(':');
		if (colon > rest.lastIndexOf('/')) {
			tag = rest.substring(colon + 1);
			rest = rest.substring(0, colon);
			if (tag.isEmpty()) {
				throw new InvalidReferenceException("invalid reference format");
			}
		}
		String domain = DOCKER_HUB;
		String path = rest;
		int slash = rest.indexOf('/');
		if (slash >= 0) {
			String first = rest.substring(0, slash);
			if (first.contains(".") || first.contains(":") || first.equals("localhost")
					|| !first.toLowerCase().equals(first)) {
				domain = first;
				path = rest.substring(slash + 1);
			}
		}
		if (domain.equals("index.docker.io")) {
			domain = DOCKER_HUB;
		}
		if (!path.toLowerCase().equals(path)) {
			throw new InvalidReferenceException("invalid reference format: repository name must be lowercase");
		}
		if (domain.equals(DOCKER_HUB) && !path.contains("/")) {
			path = "library/" + path;
		}
		return new ImageReference(domain, path, tag, digest);
	}

	/** Whether the text parses as a reference. */
	public static boolean isValid(String text) {
		try {
			parse(text);
			return true;
		}
		catch (InvalidReferenceException ex) {
			return false;
		}
	}

	/** This reference with {@code latest} when it has neither tag nor digest, as Docker reads a bare name. */
	public ImageReference withDefaultTag() {
		return (this.tag.isEmpty() && this.digest == null) ? withTag(DEFAULT_TAG) : this;
	}

	/**
	 * The same repository with another tag and no digest.
	 * @throws InvalidReferenceException when the tag is not valid
	 */
	public ImageReference withTag(String newTag) {
		if (newTag == null || !TAG.matcher(newTag).matches()) {
			throw new InvalidReferenceException("invalid tag format");
		}
		return new ImageReference(this.domain, this.path, newTag, null);
	}

	/** The same repository with neither tag nor digest. */
	public ImageReference repository() {
		return new ImageReference(this.domain, this.path, "", null);
	}

	public boolean hasTag() {
		return !this.tag.isEmpty();
	}

	public boolean hasDigest() {
		return this.digest != null;
	}

	/** The full repository name, e.g. {@code docker.io/library/busybox}. */
	public String name() {
		return this.domain + "/" + this.path;
	}

	/** The repository name as users write it, e.g. {@code busybox} or {@code localhost:5000/app}. */
	public String familiarName() {
		if (!this.domain.equals(DOCKER_HUB)) {
			return name();
		}
		if (this.path.startsWith("library/") && this.path.indexOf('/', "library/".length()) < 0) {
			return this.path.substring("library/".length());
		}
		return this.path;
	}

	/** The whole reference as users write it, e.g. {@code busybox:latest}. */
	public String familiarString() {
		return familiarName() + suffix();
	}

	@Override
	public String toString() {
		return name() + suffix();
	}

	private String suffix() {
		return (this.tag.isEmpty() ? "" : ":" + this.tag) + ((this.digest != null) ? "@" + this.digest : "");
	}

}
