/**
 * Persistence plumbing shared by the features: attribute converters for columns that hold JSON. No entities: each
 * feature owns its own. Depends on nothing in the engine.
 */
@NullMarked
package io.berth.persistence;

import org.jspecify.annotations.NullMarked;
