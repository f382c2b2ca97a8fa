/**
 * What the kernel says about a container's processes: resource counters read straight from cgroupfs (v1 or v2) and
 * /proc for {@code docker stats}, and the process table for {@code docker top}. Spawns nothing and depends on no
 * other feature: callers pass the container's cgroup path and init pid.
 */
@NullMarked
package io.berth.stats;

import org.jspecify.annotations.NullMarked;
