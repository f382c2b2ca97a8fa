package io.berth.api.dockercompat;

/** The Docker Engine API versions Berth speaks: 1.41 advertised, 1.24 the oldest accepted. */
public final class ApiVersion {

	public static final String CURRENT = "1.41";

	public static final String MINIMUM = "1.24";

	public static final String ENGINE_VERSION = "0.1.0";

	private ApiVersion() {
	}

	/** Compares two "major.minor" versions numerically. */
	static int compare(String a, String b) {
		String[] x = a.split("\\.");
		String[] y = b.split("\\.");
		int major = Integer.compare(Integer.parseInt(x[0]), Integer.parseInt(y[0]));
		return (major != 0) ? major : Integer.compare(Integer.parseInt(x[1]), Integer.parseInt(y[1]));
	}

}
