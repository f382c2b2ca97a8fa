package io.berth.container;

import java.util.List;

/**
 * What the system feature needs of containers: how many there are in each state for {@code /info}, and their sizes
 * for {@code /system/df}. The system feature sits above containers, so it reads them through this narrow view.
 */
public interface ContainerInventory {

	ContainerCounts counts();

	/** Every container, with its sizes filled in (this may walk their writable layers). */
	List<ContainerDiskUsage> diskUsage();

}
