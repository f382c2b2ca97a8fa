package io.berth.it.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Digests as the registry, skopeo and the docker CLI spell them. */
public final class Digests {

	private Digests() {
	}

	/** {@code sha256:HEX} of {@code data}. */
	public static String sha256(byte[] data) {
		try {
			return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The 12 hex digits the CLI shows a layer by in pull and push progress. */
	public static String shortId(String digest) {
		return digest.substring("sha256:".length(), "sha256:".length() + 12);
	}

}
