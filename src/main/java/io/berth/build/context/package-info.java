/**
 * The classic builder's build context and the layers COPY and ADD make from it: the {@code POST /build} body
 * unpacked safely ({@link io.berth.build.context.BuildContext}), {@code .dockerignore} rules
 * ({@link io.berth.build.context.DockerIgnore}), source trees read with symlinks kept inside them
 * ({@link io.berth.build.context.SourceTree}), and the layer tars themselves
 * ({@link io.berth.build.context.CopyLayer}). Depends only on error and content.
 */
@NullMarked
package io.berth.build.context;

import org.jspecify.annotations.NullMarked;
