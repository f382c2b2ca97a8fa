package io.berth.image.layer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;

import io.berth.error.InvalidParameterException;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Layers and archives arrive plain, gzip'd or bzip2'd; as dockerd does, they are told apart by magic bytes. */
public final class Compression {

	private Compression() {
	}

	/**
	 * Returns the uncompressed stream.
	 * @throws InvalidParameterException for zstd and xz, which Berth cannot decompress
	 */
	public static InputStream decompress(InputStream source) throws IOException {
		BufferedInputStream in = new BufferedInputStream(source, 64 * 1024);
		in.mark(8);
		byte[] magic = in.readNBytes(6);
		in.reset();
		if (magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
			return GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
		}
		if (magic.length >= 3 && magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h') {
			return new BZip2CompressorInputStream(in, true);
		}
		if (magic.length >= 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f
				&& (magic[3] & 0xff) == 0xfd) {
			throw new InvalidParameterException("zstd-compressed layers are not supported; use gzip or plain tar");
		}
		if (magic.length >= 6 && (magic[0] & 0xff) == 0xfd && magic[1] == '7' && magic[2] == 'z' && magic[3] == 'X'
				&& magic[4] == 'Z' && magic[5] == 0) {
			throw new InvalidParameterException("xz-compressed layers are not supported; use gzip or plain tar");
		}
		return in;
	}

}
