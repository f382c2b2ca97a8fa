package io.berth.users;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Hashes passwords with PBKDF2-HMAC-SHA256 from the JDK, in the form {@code pbkdf2-sha256$iterations$salt$hash}, so
 * the iteration count can be raised later without breaking stored hashes.
 */
final class PasswordHasher {

	static final int ITERATIONS = 210_000;

	private static final String PREFIX = "pbkdf2-sha256";

	private static final SecureRandom RANDOM = new SecureRandom();

	private PasswordHasher() {
	}

	static String hash(String password) {
		byte[] salt = new byte[16];
		RANDOM.nextBytes(salt);
		return format(ITERATIONS, salt, derive(password, salt, ITERATIONS));
	}

	static boolean matches(String password, String stored) {
		String[] parts = (stored != null) ? stored.split("\\$") : new String[0];
		if (parts.length != 4 || !PREFIX.equals(parts[0])) {
			return false;
		}
		int iterations;
		try {
			iterations = Integer.parseInt(parts[1]);
		}
		catch (NumberFormatException ex) {
			return false;
		}
		Base64.Decoder b64 = Base64.getDecoder();
		byte[] expected = b64.decode(parts[3]);
		// A constant-time comparison, so the time taken tells nothing about how much of the hash matched.
		return MessageDigest.isEqual(expected, derive(password, b64.decode(parts[2]), iterations));
	}

	/** A hash to check unknown names against, so a wrong name takes as long as a wrong password. */
	static String decoy() {
		return Decoy.HASH;
	}

	/** Made at the first sign-in with an unknown name, not at start-up: a hash costs as much as a sign-in. */
	private static final class Decoy {

		static final String HASH = hash("decoy-" + RANDOM.nextLong());

	}

	private static String format(int iterations, byte[] salt, byte[] hash) {
		Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
		return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
	}

	private static byte[] derive(String password, byte[] salt, int iterations) {
		try {
			PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
			return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", ex);
		}
	}

}
