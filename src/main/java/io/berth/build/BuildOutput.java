package io.berth.build;

/** Where a build reports: the lines the classic builder streams, and the final image's ID. */
public interface BuildOutput {

	/** Text for the client's terminal, newlines included, as a {@code {"stream": ...}} object carries it. */
	void stream(String text);

	/** The built image's ID, as the {@code {"aux":{"ID": ...}}} object the CLI prints with {@code -q}. */
	void aux(String imageId);

}
