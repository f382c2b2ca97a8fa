package io.berth.persistence;

import org.springframework.data.jpa.repository.JpaRepository;

/** The settings changed at run time; each feature names its own keys. */
public interface SettingRepository extends JpaRepository<Setting, String> {

}
