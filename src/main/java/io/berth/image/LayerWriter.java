package io.berth.image;

import java.io.IOException;
import java.io.OutputStream;

/** Writes a layer tar (uncompressed) when the image feature is ready to take it. */
@FunctionalInterface
public interface LayerWriter {

	void writeTo(OutputStream out) throws IOException;

}
