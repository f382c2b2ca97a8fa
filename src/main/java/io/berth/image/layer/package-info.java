/**
 * Layers: the tar unpacker with its whiteout and breakout rules, and the store of unpacked layer directories. Depends
 * on content, paths and error; never on the image package above it.
 */
package io.berth.image.layer;
