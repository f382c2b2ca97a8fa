package io.berth.volume;

import org.springframework.data.jpa.repository.JpaRepository;

interface VolumeRepository extends JpaRepository<Volume, String> {

}
