/**
 * The classic builder's Dockerfile parser: lines, continuations, directives, heredocs and flags into
 * {@link io.berth.build.dockerfile.Instruction}s, plus {@link io.berth.build.dockerfile.ShellLex} for variable
 * expansion, written to give the answers and error texts moby's parser gives. Pure Java; depends only on error.
 */
@NullMarked
package io.berth.build.dockerfile;

import org.jspecify.annotations.NullMarked;
