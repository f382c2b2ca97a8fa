package io.berth.build;

import org.springframework.data.jpa.repository.JpaRepository;

interface BuildCacheRepository extends JpaRepository<BuildCacheEntry, String> {

}
