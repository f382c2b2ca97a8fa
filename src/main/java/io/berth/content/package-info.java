/**
 * Content-addressed storage: {@link io.berth.content.Digest} values and the blob store under {@code blobs/sha256},
 * written through temp files and atomic renames so a crash never leaves a torn blob. Depends only on paths and error.
 */
package io.berth.content;
