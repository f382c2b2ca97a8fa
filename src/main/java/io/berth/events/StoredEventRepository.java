package io.berth.events;

import java.util.List;

import org.springframework.data.domain.Pageable;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

interface StoredEventRepository extends JpaRepository<StoredEvent, Long> {

	@Query("select e from StoredEvent e where e.id <= :upTo and e.timeNano >= :since and e.timeNano <= :until"
			+ " order by e.id")
	List<StoredEvent> findRange(@Param("since") long sinceNano, @Param("until") long untilNano,
			@Param("upTo") long upTo);

	@Query("select e from StoredEvent e where e.id < :before and e.timeNano >= :since and e.timeNano <= :until"
			+ " order by e.id desc")
	List<StoredEvent> findNewestBefore(@Param("since") long sinceNano, @Param("until") long untilNano,
			@Param("before") long before, Pageable page);

	@Modifying
	@Query("delete from StoredEvent e where e.id <= :id")
	int deleteUpTo(@Param("id") long id);

	@Query("select coalesce(max(e.id), 0) from StoredEvent e")
	long maxId();

}
