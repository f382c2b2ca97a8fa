/** The engine's directory layout under {@code berth.data-root} and {@code berth.exec-root}. Depends on nothing. */
package io.berth.paths;
