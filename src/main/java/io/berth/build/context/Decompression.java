package io.berth.build.context;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

import io.berth.error.InvalidParameterException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZUtils;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdUtils;

/**
 * Build contexts and ADDed archives come plain or compressed; as dockerd's {@code DecompressStream} does, the
 * compression is told by magic bytes, never by a name.
 */
final class Decompression {

	private Decompression() {
	}

	/**
	 * Returns the uncompressed stream.
	 * @param what how to name the stream in an error, e.g. "the build context"
	 * @throws InvalidParameterException for xz or zstd when the library to read them is not on the class path
	 */
	static InputStream open(InputStream source, String what) throws IOException {
		BufferedInputStream in = new BufferedInputStream(source, 64 * 1024);
		in.mark(8);
		byte[] magic = in.readNBytes(6);
		in.reset();
		if (isGzip(magic)) {
			return GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
		}
		if (magic.length >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
			return new BZip2CompressorInputStream(in, true);
		}
		if (XZUtils.matches(magic, magic.length)) {
			if (!XZUtils.isXZCompressionAvailable()) {
				throw new InvalidParameterException(what + " is xz-compressed, which this daemon cannot read; "
						+ "use gzip, bzip2 or a plain tar");
			}
			return new XZCompressorInputStream(in, true);
		}
		if (ZstdUtils.matches(magic, magic.length)) {
			if (!ZstdUtils.isZstdCompressionAvailable()) {
				throw new InvalidParameterException(what + " is zstd-compressed, which this daemon cannot read; "
						+ "use gzip, bzip2 or a plain tar");
			}
			return new ZstdCompressorInputStream(in);
		}
		return in;
	}

	private static boolean isGzip(byte[] magic) {
		return magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
	}

}
