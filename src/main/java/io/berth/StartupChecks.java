package io.berth;

/** Refuses to start where the engine cannot work, with one sentence instead of a stack trace. */
final class StartupChecks {

	private StartupChecks() {
	}

	static void run() {
		String user = System.getProperty("user.name");
		if (!"root".equals(user)) {
			System.err.println("Berth must run as root: it creates namespaces, cgroups and mounts (running as "
					+ user + ").");
			System.exit(1);
		}
	}

}
