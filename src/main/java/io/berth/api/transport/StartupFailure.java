package io.berth.api.transport;

/** Ends start-up with one sentence on stderr, which is all an operator needs for these causes. */
final class StartupFailure {

	private StartupFailure() {
	}

	static void exit(String sentence) {
		System.err.println(sentence);
		System.exit(1);
	}

}
