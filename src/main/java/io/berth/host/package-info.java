/**
 * Facts about the host the engine runs on (kernel, OS, CPUs, memory, cgroup version), read once from /proc and /etc.
 * Depends on nothing else in the engine, so every feature may read it.
 */
@NullMarked
package io.berth.host;

import org.jspecify.annotations.NullMarked;
