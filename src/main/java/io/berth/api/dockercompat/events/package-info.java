/**
 * {@code GET /events}: the engine's events as Docker's chunked NDJSON stream. Reads the events feature through
 * {@link io.berth.events.EventLog} only.
 */
@NullMarked
package io.berth.api.dockercompat.events;

import org.jspecify.annotations.NullMarked;
