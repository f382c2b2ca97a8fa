package io.berth.persistence;

import org.springframework.data.jpa.repository.query.DeclaredQuery;
import org.springframework.data.jpa.repository.query.QueryEnhancerFactories;
import org.springframework.data.jpa.repository.query.QueryEnhancerFactory;
import org.springframework.data.jpa.repository.query.QueryEnhancerSelector;

/**
 * Gives every repository query Spring Data's plain query enhancer. Berth's few {@code @Query} strings are fixed and
 * never sorted or paged dynamically, and the HQL parser Spring Data picks by default cost a quarter of a second of
 * the daemon's start-up to parse them.
 */
public final class PlainQueryEnhancerSelector implements QueryEnhancerSelector {

	@Override
	public QueryEnhancerFactory select(DeclaredQuery query) {
		return QueryEnhancerFactories.fallback();
	}

}
