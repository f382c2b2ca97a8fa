package io.berth.image;

import java.net.URI;

/** What an import from a URL reports while it runs, as dockerd's progress stream shows it. */
public interface ImportProgress {

	/** The server answered and the body starts; nothing has been written for the client before this. */
	void downloading(URI from);

	/** Bytes of the body read so far, of {@code total} (-1 when the server did not say). */
	void read(long current, long total);

}
