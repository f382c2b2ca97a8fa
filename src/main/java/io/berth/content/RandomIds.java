package io.berth.content;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The 64-hex-character random IDs Docker gives containers, volumes, networks and endpoints. */
public final class RandomIds {

	private static final SecureRandom RANDOM = new SecureRandom();

	private RandomIds() {
	}

	public static String next() {
		byte[] b = new byte[32];
		RANDOM.nextBytes(b);
		return HexFormat.of().formatHex(b);
	}

}
