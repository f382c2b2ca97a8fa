package io.berth.users;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHasherTests {

	@Test
	void aHashMatchesItsPasswordOnlyAndIsSaltedEachTime() {
		String hash = PasswordHasher.hash("correct horse");
		assertThat(hash).startsWith("pbkdf2-sha256$" + PasswordHasher.ITERATIONS + "$").doesNotContain("correct");
		assertThat(PasswordHasher.matches("correct horse", hash)).isTrue();
		assertThat(PasswordHasher.matches("correct horsE", hash)).isFalse();
		assertThat(PasswordHasher.hash("correct horse")).isNotEqualTo(hash);
	}

	@Test
	void damagedHashesMatchNothing() {
		assertThat(PasswordHasher.matches("x", null)).isFalse();
		assertThat(PasswordHasher.matches("x", "plain")).isFalse();
		assertThat(PasswordHasher.matches("x", "pbkdf2-sha256$many$AA$AA")).isFalse();
		assertThat(PasswordHasher.matches("x", "md5$1$AA$AA")).isFalse();
	}

	@Test
	void namesAndRolesCheckThemselves() {
		assertThat(new Username("ops.team-1").value()).isEqualTo("ops.team-1");
		assertThatThrownBy(() -> new Username("-dash")).hasMessageContaining("invalid user name");
		assertThatThrownBy(() -> new Username("a b")).hasMessageContaining("invalid user name");
		assertThat(Role.parse(" Operator ")).isEqualTo(Role.OPERATOR);
		assertThatThrownBy(() -> Role.parse("root")).hasMessageContaining("unknown role");
		assertThat(Role.ADMIN.allows(Role.OPERATOR)).isTrue();
		assertThat(Role.VIEWER.allows(Role.OPERATOR)).isFalse();
	}

}
