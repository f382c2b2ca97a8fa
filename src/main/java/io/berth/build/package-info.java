/**
 * Dockerfile builds with the classic builder's API ({@code POST /build}): each step's image, RUN steps in ordinary
 * containers, the layer cache, and multi-stage builds.
 */
@NullMarked
package io.berth.build;

import org.jspecify.annotations.NullMarked;
