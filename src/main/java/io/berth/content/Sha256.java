package io.berth.content;

import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A streaming sha256 for layer-sized content. It uses OpenSSL's libcrypto when present, because the daemon runs
 * with the C1 compiler only, which lacks the JDK's SHA intrinsics: there the JDK hashes at about 150 MB/s and
 * libcrypto at over 1 GB/s, and a pull hashes every byte twice. Without libcrypto it falls back to the JDK.
 */
public abstract sealed class Sha256 implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Sha256.class);

	/** Declared before {@link #CRYPTO}, whose self-test needs it. */
	private static final Cleaner CLEANER = Cleaner.create();

	private static final Crypto CRYPTO = loadCrypto();

	/** A new hasher; {@link #finish()} or {@link #close()} it. */
	public static Sha256 start() {
		return (CRYPTO != null) ? new Native(CRYPTO) : new Jdk();
	}

	/** Whether hashing is done by libcrypto. */
	public static boolean isNative() {
		return CRYPTO != null;
	}

	public abstract void update(byte[] b, int off, int len);

	/** The digest of everything given; the hasher cannot be used after. */
	public abstract Digest finish();

	@Override
	public abstract void close();

	/** The part of libcrypto's EVP interface a sha256 needs. */
	public interface Crypto {

		Pointer EVP_MD_CTX_new();

		void EVP_MD_CTX_free(Pointer ctx);

		Pointer EVP_sha256();

		int EVP_DigestInit_ex(Pointer ctx, Pointer type, Pointer engine);

		int EVP_DigestUpdate(Pointer ctx, @In ByteBuffer data, long count);

		int EVP_DigestFinal_ex(Pointer ctx, @Out byte[] digest, Pointer size);

	}

	private static Crypto loadCrypto() {
		Throwable why = null;
		for (String name : new String[] { "libcrypto.so.3", "crypto" }) {
			try {
				Crypto c = LibraryLoader.create(Crypto.class).failImmediately().load(name);
				if (selfTest(c)) {
					return c;
				}
			}
			catch (RuntimeException | LinkageError ex) {
				why = ex;
			}
		}
		logger.info("libcrypto not usable (" + why + "): layer digests use the JDK's sha256");
		return null;
	}

	private static boolean selfTest(Crypto c) {
		Native n = new Native(c);
		byte[] abc = { 'a', 'b', 'c' };
		n.update(abc, 0, 3);
		return n.finish().hex().equals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}

	/** libcrypto's context, freed by finish, close, or at the latest when the hasher is collected. */
	private static final class Native extends Sha256 {

		private final Crypto crypto;

		private final Pointer ctx;

		private final Cleaner.Cleanable cleanable;

		private boolean done;

		Native(Crypto crypto) {
			this.crypto = crypto;
			Pointer p = crypto.EVP_MD_CTX_new();
			if (p == null || crypto.EVP_DigestInit_ex(p, crypto.EVP_sha256(), null) != 1) {
				throw new IllegalStateException("libcrypto cannot start a sha256");
			}
			this.ctx = p;
			this.cleanable = CLEANER.register(this, () -> crypto.EVP_MD_CTX_free(p));
		}

		@Override
		public void update(byte[] b, int off, int len) {
			if (this.done) {
				throw new IllegalStateException("sha256 already finished");
			}
			if (len > 0 && this.crypto.EVP_DigestUpdate(this.ctx, ByteBuffer.wrap(b, off, len), len) != 1) {
				throw new IllegalStateException("libcrypto sha256 update failed");
			}
		}

		@Override
		public Digest finish() {
			if (this.done) {
				throw new IllegalStateException("sha256 already finished");
			}
			byte[] out = new byte[32];
			int rc = this.crypto.EVP_DigestFinal_ex(this.ctx, out, null);
			close();
			if (rc != 1) {
				throw new IllegalStateException("libcrypto sha256 final failed");
			}
			return Digest.ofHex(HexFormat.of().formatHex(out));
		}

		@Override
		public void close() {
			if (!this.done) {
				this.done = true;
				this.cleanable.clean();
			}
		}

	}

	private static final class Jdk extends Sha256 {

		private final MessageDigest md = Digest.newSha256();

		@Override
		public void update(byte[] b, int off, int len) {
			this.md.update(b, off, len);
		}

		@Override
		public Digest finish() {
			return Digest.of(this.md);
		}

		@Override
		public void close() {
		}

	}

}
