package io.berth.system;

import java.util.List;

/**
 * What the system feature needs of containers: how many there are in each state for {@code /info}, and their sizes
 * for {@code /system/df}. Implemented by the container feature; while it is absent, both are empty.
 */
public interface ContainerInventory {

	ContainerCounts counts();

	/** Every container, with its sizes filled in (this may walk their writable layers). */
	List<ContainerDiskUsage> diskUsage();

}
