/**
 * The engine's event bus: features publish {@link io.berth.events.EngineEvent}s, which are persisted (so
 * {@code since} works after a restart) and streamed to {@code /events} and the dashboard through
 * {@link io.berth.events.EventLog}. Depends only on error and persistence.
 */
@NullMarked
package io.berth.events;

import org.jspecify.annotations.NullMarked;
