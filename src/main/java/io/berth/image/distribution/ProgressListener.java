package io.berth.image.distribution;

/**
 * Where pull and push report progress; the API turns each call into one jsonmessage line. Calls may come from
 * several download threads at once, so implementations serialize them.
 */
public interface ProgressListener {

	/** A line without an ID, e.g. {@code Digest: sha256:...}. */
	void status(String text);

	/** A line for one layer or tag, e.g. {@code Pull complete}. */
	void status(String id, String text);

	/** A progress line for one layer; {@code total} is -1 when unknown. */
	void progress(String id, String text, long current, long total);

	/** The end of a pushed tag: clients read the manifest digest from it. */
	void pushed(String tag, String digest, long size);

}
