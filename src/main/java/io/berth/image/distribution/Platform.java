package io.berth.image.distribution;

import java.util.Locale;

import io.berth.error.InvalidParameterException;

/**
 * An image platform, {@code os/architecture[/variant]}, normalized as containerd's platforms package does
 * ({@code x86_64} is {@code amd64}, {@code aarch64} is {@code arm64}, and so on).
 */
record Platform(String os, String architecture, String variant) {

	Platform {
		os = (os != null) ? os.toLowerCase(Locale.ROOT) : "";
		architecture = normalizeArch((architecture != null) ? architecture.toLowerCase(Locale.ROOT) : "");
		variant = (variant != null) ? variant.toLowerCase(Locale.ROOT) : "";
		if (architecture.equals("arm64") && variant.equals("v8")) {
			variant = "";
		}
	}

	/** The platform this daemon runs containers for. */
	static Platform host() {
		return new Platform("linux", System.getProperty("os.arch"), "");
	}

	/** Parses the {@code platform} query parameter; empty means the host's. */
	static Platform parse(String text) {
		if (text == null || text.isBlank()) {
			return host();
		}
		String[] parts = text.trim().split("/");
		if (parts.length > 3 || parts[0].isEmpty()) {
			throw new InvalidParameterException("invalid platform: " + text);
		}
		if (parts.length == 1) {
			return new Platform(parts[0], host().architecture(), "");
		}
		return new Platform(parts[0], parts[1], (parts.length == 3) ? parts[2] : "");
	}

	/** Whether an index entry serves this platform; an entry without a variant serves any variant. */
	boolean matches(Platform other) {
		if (other == null || !this.os.equals(other.os) || !this.architecture.equals(other.architecture)) {
			return false;
		}
		return this.variant.isEmpty() || other.variant.isEmpty() || this.variant.equals(other.variant);
	}

	private static String normalizeArch(String arch) {
		return switch (arch) {
			case "x86_64", "x86-64", "amd64" -> "amd64";
			case "aarch64", "arm64" -> "arm64";
			case "i386", "i686", "386" -> "386";
			default -> arch;
		};
	}

	@Override
	public String toString() {
		return this.os + "/" + this.architecture + (this.variant.isEmpty() ? "" : "/" + this.variant);
	}

}
