package io.berth.dashboard.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.berth.users.SecurityProperties;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Counts failed sign-ins per client address and per user name: after {@code loginFailures} within the window, either
 * key is refused until the window has passed since its last failure, so guessing is slow from one address and
 * against one account from many.
 */
@Component
class LoginThrottle {

	/** Bounds the memory a flood of made-up names can take; the oldest keys go first. */
	private static final int MAX_KEYS = 10_000;

	private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

	private final int limit;

	private final Duration window;

	private final Clock clock;

	@Autowired
	LoginThrottle(SecurityProperties properties) {
		this(properties, Clock.systemUTC());
	}

	LoginThrottle(SecurityProperties properties, Clock clock) {
		this.limit = properties.loginFailures();
		this.window = properties.loginWindow();
		this.clock = clock;
	}

	boolean isLocked(String address, String username) {
		return locked("ip:" + address) || locked("user:" + username);
	}

	void failed(String address, String username) {
		Instant now = this.clock.instant();
		if (this.failures.size() > MAX_KEYS) {
			prune(now);
		}
		for (String key : new String[] { "ip:" + address, "user:" + username }) {
			Deque<Instant> times = this.failures.computeIfAbsent(key, (k) -> new ArrayDeque<>());
			synchronized (times) {
				times.addLast(now);
				while (times.size() > this.limit) {
					times.removeFirst();
				}
			}
		}
	}

	void succeeded(String username) {
		this.failures.remove("user:" + username);
	}

	private boolean locked(String key) {
		Deque<Instant> times = this.failures.get(key);
		if (times == null) {
			return false;
		}
		Instant now = this.clock.instant();
		synchronized (times) {
			if (times.size() < this.limit) {
				return false;
			}
			// The last limit failures all fell within one window, and the newest is less than a window ago.
			return Duration.between(times.getFirst(), times.getLast()).compareTo(this.window) <= 0
					&& Duration.between(times.getLast(), now).compareTo(this.window) < 0;
		}
	}

	private void prune(Instant now) {
		Iterator<Map.Entry<String, Deque<Instant>>> it = this.failures.entrySet().iterator();
		while (it.hasNext()) {
			Deque<Instant> times = it.next().getValue();
			synchronized (times) {
				if (times.isEmpty() || Duration.between(times.getLast(), now).compareTo(this.window) >= 0) {
					it.remove();
				}
			}
		}
	}

}
