package io.berth.system;

import java.util.List;

/**
 * What the system feature needs of images: how many there are for {@code /info}, and their sizes for
 * {@code /system/df}. Implemented by the image feature; while it is absent, both are empty.
 */
public interface ImageInventory {

	/** Images as {@code docker images} counts them (one per image ID, tagged or not). */
	int count();

	/** The bytes of every unpacked layer, counted once however many images share it ({@code LayersSize}). */
	long layersSize();

	List<ImageDiskUsage> diskUsage();

}
