/**
 * The engine's event bus: features publish {@link io.berth.events.EngineEvent}s, which are persisted (so
 * {@code since} works after a restart) and streamed to {@code /events} and the dashboard. Depends only on error.
 */
package io.berth.events;
