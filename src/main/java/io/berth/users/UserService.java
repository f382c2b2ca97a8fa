package io.berth.users;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.berth.error.ConflictException;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotFoundException;
import io.berth.paths.EnginePaths;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Service;

/** Creates, checks and changes dashboard users; makes the first admin when there is none. */
@Service
public class UserService implements SmartInitializingSingleton {

	/** The first admin's name. */
	public static final String INITIAL_ADMIN = "admin";

	static final String PASSWORD_FILE = "initial-admin-password";

	private static final int MIN_PASSWORD = 8;

	private static final int MAX_PASSWORD = 1024;

	private static final Log logger = LogFactory.getLog(UserService.class);

	private final UserRepository users;

	private final SecurityProperties properties;

	private final Path dataRoot;

	/** The first admin's password and its hash, worked out while the rest of the daemon starts; null when not needed. */
	private final CompletableFuture<InitialAdmin> initialAdmin;

	UserService(UserRepository users, SecurityProperties properties, EnginePaths paths) {
		this.users = users;
		this.properties = properties;
		this.dataRoot = paths.dataRoot();
		// A hash costs as much as a sign-in (0.4 s with C1): it runs beside the rest of the start-up, on another core,
		// and is stored before the daemon serves anything.
		this.initialAdmin = (users.count() == 0) ? CompletableFuture.supplyAsync(this::prepareInitialAdmin, (task) -> {
			Thread t = new Thread(task, "initial-admin");
			t.setDaemon(true);
			t.start();
		}) : null;
	}

	/** The first admin's password, whether it was generated, and its hash. */
	private record InitialAdmin(String password, boolean generated, String hash) {
	}

	/** A user as the dashboard shows it. */
	public record UserView(String username, Role role, Instant createdAt) {

		static UserView of(DashboardUser u) {
			return new UserView(u.getUsername(), u.getRole(), u.getCreatedAt());
		}

	}

	/** Stores the first admin once every bean exists, before any port or socket is opened. */
	@Override
	public synchronized void afterSingletonsInstantiated() {
		if (this.initialAdmin != null && this.users.count() == 0) {
			try {
				createInitialAdmin(this.initialAdmin.join());
			}
			catch (CompletionException ex) {
				// A configured password that is too short, say: the daemon stops with that message.
				throw (ex.getCause() instanceof RuntimeException r) ? r : ex;
			}
		}
	}

	/** The user whose password this is, if any; an unknown name costs as much time as a wrong password. */
	public Optional<UserView> authenticate(String username, String password) {
		if (username == null || password == null || password.length() > MAX_PASSWORD) {
			return Optional.empty();
		}
		Optional<DashboardUser> user = this.users.findById(username);
		boolean ok = PasswordHasher.matches(password,
				user.map(DashboardUser::getPasswordHash).orElse(PasswordHasher.decoy()));
		return (ok && user.isPresent()) ? user.map(UserView::of) : Optional.empty();
	}

	public Optional<UserView> find(String username) {
		return this.users.findById(username).map(UserView::of);
	}

	public List<UserView> list() {
		return this.users.findAll().stream().map(UserView::of).sorted((a, b) -> a.username().compareTo(b.username())).toList();
	}

	public synchronized UserView create(String username, String password, Role role) {
		Username name = new Username(username);
		checkPassword(password);
		if (this.users.existsById(name.value())) {
			throw new ConflictException("user \"" + name + "\" already exists");
		}
		return UserView.of(this.users.save(new DashboardUser(name, PasswordHasher.hash(password), role, Instant.now())));
	}

	public synchronized UserView update(String username, Role role, String password) {
		DashboardUser user = this.users.findById(username)
			.orElseThrow(() -> new NotFoundException("no such user: " + username));
		if (role != null && role != Role.ADMIN && user.getRole() == Role.ADMIN
				&& this.users.countByRole(Role.ADMIN) == 1) {
			throw new ConflictException("\"" + username + "\" is the last admin; make another admin first");
		}
		if (password != null) {
			checkPassword(password);
			user.setPasswordHash(PasswordHasher.hash(password));
		}
		if (role != null) {
			user.setRole(role);
		}
		return UserView.of(this.users.save(user));
	}

	public synchronized void delete(String username) {
		DashboardUser user = this.users.findById(username)
			.orElseThrow(() -> new NotFoundException("no such user: " + username));
		if (user.getRole() == Role.ADMIN && this.users.countByRole(Role.ADMIN) == 1) {
			throw new ConflictException("\"" + username + "\" is the last admin and cannot be removed");
		}
		this.users.delete(user);
	}

	private static void checkPassword(String password) {
		if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
			throw new InvalidParameterException(
					"a password needs " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
		}
	}

	private InitialAdmin prepareInitialAdmin() {
		String configured = this.properties.initialAdminPassword();
		boolean generated = configured == null || configured.isEmpty();
		String password = generated ? generatePassword() : configured;
		checkPassword(password);
		return new InitialAdmin(password, generated, PasswordHasher.hash(password));
	}

	private void createInitialAdmin(InitialAdmin admin) {
		String password = admin.password();
		this.users.save(new DashboardUser(new Username(INITIAL_ADMIN), admin.hash(), Role.ADMIN, Instant.now()));
		if (admin.generated()) {
			Path file = this.dataRoot.resolve(PASSWORD_FILE);
			writePrivately(file, password + "\n");
			logger.warn("Created the dashboard user \"" + INITIAL_ADMIN + "\" with the generated password " + password
					+ " (also in " + file + "); change it after signing in.");
		}
		else {
			logger.info("Created the dashboard user \"" + INITIAL_ADMIN + "\" with berth.security.initial-admin-password.");
		}
	}

	private static String generatePassword() {
		String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
		SecureRandom random = new SecureRandom();
		StringBuilder s = new StringBuilder();
		for (int i = 0; i < 20; i++) {
			s.append(alphabet.charAt(random.nextInt(alphabet.length())));
		}
		return s.toString();
	}

	private static void writePrivately(Path file, String text) {
		try {
			Files.createDirectories(file.getParent());
			Files.deleteIfExists(file);
			// Created with 0600 from the start, so the password is never readable by others, even briefly.
			Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Files.writeString(file, text, StandardOpenOption.TRUNCATE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write " + file, ex);
		}
	}

}
