package io.berth.volume;

import java.util.List;

/** Tells the volume feature which containers use a volume, so removal can refuse with 409. Implemented by containers. */
public interface VolumeUsage {

	List<String> containersUsing(String volumeName);

}
