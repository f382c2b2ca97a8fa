package io.berth.volume;

/**
 * A volume with what {@code docker system df} reports of it.
 *
 * @param size bytes under its data directory, hard links counted once
 * @param refCount how many containers use it
 */
public record VolumeDiskUsage(VolumeInfo volume, long size, int refCount) {
}
