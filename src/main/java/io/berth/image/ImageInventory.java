package io.berth.image;

/**
 * What the system feature needs of images: how many there are for {@code /info}. The system feature sits above
 * images, so it reads them through this narrow view.
 */
public interface ImageInventory {

	/** Images as {@code docker images} counts them (one per image ID, tagged or not). */
	int count();

}
