/**
 * The engine's one error hierarchy: every feature throws a subclass of {@link io.berth.error.EngineException}, and
 * the API layer maps its {@link io.berth.error.ErrorKind} to a status in one place. Depends on nothing.
 */
package io.berth.error;
