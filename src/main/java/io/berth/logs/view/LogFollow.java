package io.berth.logs.view;

/** A subscription to the records appended to a log; closing it ends delivery. */
public interface LogFollow extends AutoCloseable {

	/** The {@code n} of the first line this follow delivers: how many records passed the filter when it began. */
	long from();

	/** Stops delivery and releases the watch; a batch already being handed to the listener may still finish. */
	@Override
	void close();

}
