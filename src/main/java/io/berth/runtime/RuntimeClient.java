package io.berth.runtime;

import java.util.Optional;

/** The OCI runtime's verbs the engine calls directly; create, start and delete go through the monitor. */
public interface RuntimeClient {

	/** The container's status as the runtime reports it, or empty when the runtime does not know it. */
	Optional<String> status(String id);

	/** Sends a signal (a number) to the container's init, or to every process with {@code all}. */
	void kill(String id, int signal, boolean all);

	void pause(String id);

	void resume(String id);

	/** Deletes the runtime's record of the container, killing what is left when {@code force}. */
	void delete(String id, boolean force);

}
