/**
 * Container logs in Docker's json-file format, which berth-monitor writes and this package reads: tail, time windows
 * and following. Depends on nothing else in the engine.
 */
package io.berth.logs;
