package io.berth.content;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

import io.berth.error.InvalidParameterException;

/**
 * A sha256 content digest in its canonical form {@code sha256:<64 lowercase hex>}; the only algorithm images use.
 *
 * @param value the canonical form
 */
public record Digest(String value) {

	private static final String PREFIX = "sha256:";

	private static final Pattern CANONICAL = Pattern.compile("^sha256:[a-f0-9]{64}$");

	public Digest {
		if (value == null || !CANONICAL.matcher(value).matches()) {
			throw new InvalidParameterException("invalid digest: " + value);
		}
	}

	/** Parses {@code sha256:<hex>}. */
	public static Digest parse(String value) {
		return new Digest(value);
	}

	/** Builds a digest from 64 hex characters without the algorithm prefix. */
	public static Digest ofHex(String hex) {
		return new Digest(PREFIX + hex);
	}

	/** Whether the text is a canonical sha256 digest. */
	public static boolean isDigest(String value) {
		return value != null && CANONICAL.matcher(value).matches();
	}

	/** The sha256 of the bytes. */
	public static Digest of(byte[] content) {
		return ofHex(HexFormat.of().formatHex(newSha256().digest(content)));
	}

	/** The sha256 of the text's UTF-8 bytes. */
	public static Digest of(String content) {
		return of(content.getBytes(StandardCharsets.UTF_8));
	}

	/** A fresh sha256 hasher, for digests computed while bytes stream. */
	public static MessageDigest newSha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JDK has SHA-256", ex);
		}
	}

	/** The digest of everything a hasher has seen; the hasher is reset. */
	public static Digest of(MessageDigest finished) {
		return ofHex(HexFormat.of().formatHex(finished.digest()));
	}

	/** The 64 hex characters. */
	public String hex() {
		return this.value.substring(PREFIX.length());
	}

	/** The first 12 hex characters, as Docker shows IDs. */
	public String shortHex() {
		return hex().substring(0, 12);
	}

	@Override
	public String toString() {
		return this.value;
	}

}
