package io.berth.image;

import java.util.List;

/**
 * What the system feature needs of images: how many there are for {@code /info}, and their sizes for
 * {@code /system/df}. The system feature sits above images, so it reads them through this narrow view.
 */
public interface ImageInventory {

	/** Images as {@code docker images} counts them (one per image ID, tagged or not). */
	int count();

	/** Every image with its size and the part of it shared with other images. */
	List<ImageSpace> space();

	/** Bytes of all stored layers, each counted once however many images list it. */
	long layersSize();

}
