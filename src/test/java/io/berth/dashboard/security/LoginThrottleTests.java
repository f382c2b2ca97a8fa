package io.berth.dashboard.security;

import java.time.Duration;

import io.berth.stats.MutableClock;
import io.berth.users.SecurityProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoginThrottleTests {

	private final MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-28T10:00:00Z"));

	private final LoginThrottle throttle = new LoginThrottle(new SecurityProperties(null, 5, Duration.ofMinutes(1)),
			this.clock);

	@Test
	void fiveFailuresWithinAMinuteLockTheAddressAndTheNameForAMinute() {
		for (int i = 0; i < 4; i++) {
			this.throttle.failed("10.0.0.1", "alice");
		}
		assertThat(this.throttle.isLocked("10.0.0.1", "alice")).isFalse();
		this.throttle.failed("10.0.0.1", "alice");
		assertThat(this.throttle.isLocked("10.0.0.1", "bob")).as("the address").isTrue();
		assertThat(this.throttle.isLocked("10.0.0.2", "alice")).as("the name").isTrue();
		assertThat(this.throttle.isLocked("10.0.0.2", "bob")).isFalse();
		this.clock.advance(Duration.ofSeconds(61));
		assertThat(this.throttle.isLocked("10.0.0.1", "alice")).isFalse();
	}

	@Test
	void failuresSpreadOverMoreThanAWindowDoNotLock() {
		for (int i = 0; i < 10; i++) {
			this.throttle.failed("10.0.0.1", "alice");
			this.clock.advance(Duration.ofSeconds(20));
		}
		assertThat(this.throttle.isLocked("10.0.0.1", "alice")).isFalse();
	}

	@Test
	void aSuccessClearsTheNamesCount() {
		for (int i = 0; i < 4; i++) {
			this.throttle.failed("10.0.0.1", "alice");
		}
		this.throttle.succeeded("alice");
		this.throttle.failed("10.0.0.9", "alice");
		assertThat(this.throttle.isLocked("10.0.0.9", "alice")).isFalse();
	}

	@Test
	void originsAreComparedWithTheirDefaultPorts() {
		assertThat(DashboardSecurityFilter.normalize("HTTP://LocalHost")).isEqualTo("http://localhost:80");
		assertThat(DashboardSecurityFilter.normalize("https://berth.example")).isEqualTo("https://berth.example:443");
		assertThat(DashboardSecurityFilter.normalize("null")).isNull();
		assertThat(DashboardSecurityFilter.normalize("http://[::1]:8080")).isEqualTo("http://[::1]:8080");
	}

}
