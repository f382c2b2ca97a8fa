package io.berth.image.archive;

import java.util.List;

/**
 * The images a {@code docker save} writes, resolved before the response starts so a bad name is still a clean 404.
 *
 * @param items one per image, in the order named
 */
public record SavePlan(List<Item> items) {

	public SavePlan {
		items = List.copyOf(items);
	}

	/**
	 * One image: its ID, its exact config bytes and the tags to record for it.
	 */
	public record Item(String id, byte[] config, List<String> tags) {

		public Item {
			tags = List.copyOf(tags);
		}

	}

}
