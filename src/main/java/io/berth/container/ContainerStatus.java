package io.berth.container;

import java.time.Duration;
import java.time.Instant;

/**
 * Docker's human status line of a container ({@code Up 3 seconds}, {@code Exited (0) 2 minutes ago}), for the
 * features below the API that show one ({@code system df}). The API's list view builds the same text.
 */
public final class ContainerStatus {

	private ContainerStatus() {
	}

	public static String of(Container c, Instant now) {
		return switch (c.getState()) {
			case RUNNING -> "Up " + human(Duration.between(started(c), now));
			case PAUSED -> "Up " + human(Duration.between(started(c), now)) + " (Paused)";
			case RESTARTING -> "Restarting (" + c.getExitCode() + ") " + human(Duration.between(finished(c), now))
					+ " ago";
			case REMOVING -> "Removal In Progress";
			case DEAD -> "Dead";
			case EXITED -> "Exited (" + c.getExitCode() + ") " + human(Duration.between(finished(c), now)) + " ago";
			default -> "Created";
		};
	}

	private static Instant started(Container c) {
		return (c.getStartedAt() != null) ? c.getStartedAt() : c.getCreated();
	}

	private static Instant finished(Container c) {
		return (c.getFinishedAt() != null) ? c.getFinishedAt() : c.getCreated();
	}

	/** go-units' HumanDuration. */
	static String human(Duration d) {
		long s = Math.max(d.getSeconds(), 0);
		if (s < 1) {
			return "Less than a second";
		}
		if (s == 1) {
			return "1 second";
		}
		if (s < 60) {
			return s + " seconds";
		}
		long min = s / 60;
		if (min == 1) {
			return "About a minute";
		}
		if (min < 60) {
			return min + " minutes";
		}
		long h = Math.round(s / 3600.0);
		if (h == 1) {
			return "About an hour";
		}
		if (h < 48) {
			return h + " hours";
		}
		if (h < 24 * 7 * 2) {
			return (h / 24) + " days";
		}
		if (h < 24 * 30 * 2) {
			return (h / 24 / 7) + " weeks";
		}
		if (h < 24 * 365 * 2) {
			return (h / 24 / 30) + " months";
		}
		return (h / 24 / 365) + " years";
	}

}
