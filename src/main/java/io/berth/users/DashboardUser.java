package io.berth.users;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A dashboard user as stored: the name, a salted hash of the password, and the role. */
@Entity
@Table(name = "dashboard_users")
public class DashboardUser {

	@Id
	@Column(length = 64)
	private String username;

	@Column(nullable = false, length = 200)
	private String passwordHash;

	@Enumerated(EnumType.STRING)
	@Column(nullable = false, length = 16)
	private Role role;

	@Column(nullable = false)
	private Instant createdAt;

	protected DashboardUser() {
	}

	DashboardUser(Username username, String passwordHash, Role role, Instant createdAt) {
		this.username = username.value();
		this.passwordHash = passwordHash;
		this.role = role;
		this.createdAt = createdAt;
	}

	public String getUsername() {
		return this.username;
	}

	String getPasswordHash() {
		return this.passwordHash;
	}

	public Role getRole() {
		return this.role;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

	void setPasswordHash(String passwordHash) {
		this.passwordHash = passwordHash;
	}

	void setRole(Role role) {
		this.role = role;
	}

}
