package io.berth.dashboard;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.berth.dashboard.security.SignedInUser;
import io.berth.users.Role;
import io.berth.users.UserService;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The dashboard's controllers and security rules, through Spring MVC's test client against the whole daemon's
 * context (its real users, containers and events). Requests come in on the dashboard's port unless a test says
 * otherwise, as the browser's would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.MOCK)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardSecurityIT {

	private static final int PORT = 18_766;

	private static final String ORIGIN = "http://localhost:" + PORT;

	private static final String ADMIN_PASSWORD = "admin-password-1";

	private static final Path ROOT = tempRoot();

	@Autowired
	private WebApplicationContext context;

	@Autowired
	private UserService users;

	private MockMvc mvc;

	@DynamicPropertySource
	static void roots(DynamicPropertyRegistry registry) {
		registry.add("berth.data-root", () -> ROOT.resolve("data").toString());
		registry.add("berth.exec-root", () -> ROOT.resolve("exec").toString());
		registry.add("berth.api.socket", () -> ROOT.resolve("exec/berth.sock").toString());
		registry.add("berth.network.bridge-name", () -> "berthmvc0");
		registry.add("berth.network.bridge-subnet", () -> "10.86.0.0/24");
		registry.add("berth.security.initial-admin-password", () -> ADMIN_PASSWORD);
		registry.add("server.port", () -> PORT);
	}

	@BeforeAll
	void users() {
		this.users.create("olga", "operator-pass", Role.OPERATOR);
		this.users.create("vera", "viewer-pass-1", Role.VIEWER);
	}

	@BeforeEach
	void mvc() {
		Filter[] filters = this.context.getBeansOfType(Filter.class).values().toArray(Filter[]::new);
		this.mvc = MockMvcBuilders.webAppContextSetup(this.context)
			.addFilters(filters)
			.defaultRequest(get("/").with(onPort(PORT)))
			.build();
	}

	@Test
	void anonymousVisitorsReachOnlyTheSignInPageAndStaticAssets() throws Exception {
		this.mvc.perform(get("/")).andExpect(status().isFound()).andExpect(redirectedUrl("/ui/"));
		this.mvc.perform(get("/ui/containers")).andExpect(status().isFound()).andExpect(redirectedUrl("/login"));
		this.mvc.perform(get("/ui/api/containers"))
			.andExpect(status().isUnauthorized())
			.andExpect(jsonPath("$.message").value("sign in first"));
		this.mvc.perform(get("/ui/ws").header("Upgrade", "websocket").header("Origin", ORIGIN))
			.andExpect(status().isUnauthorized());
		this.mvc.perform(get("/login")).andExpect(status().isOk());
		this.mvc.perform(get("/ui/assets/css/app.css")).andExpect(status().isOk());
		this.mvc.perform(get("/webjars/xterm/lib/xterm.js")).andExpect(status().isOk());
	}

	@Test
	void theDockerApiIsNotServedOnTheDashboardPortAndTheDashboardNotOnTheApiSocket() throws Exception {
		this.mvc.perform(get("/version")).andExpect(status().isNotFound());
		this.mvc.perform(get("/containers/json")).andExpect(status().isNotFound());
		// A request from the unix socket has no TCP port: there the Docker API answers and the dashboard does not.
		this.mvc.perform(get("/version").with(onPort(-1))).andExpect(status().isOk());
		this.mvc.perform(get("/login").with(onPort(-1))).andExpect(status().isNotFound());
		this.mvc.perform(get("/ui/api/me").with(onPort(-1))).andExpect(status().isNotFound());
	}

	@Test
	void signInChangesTheSessionAndSetsTheUser() throws Exception {
		MockHttpSession session = new MockHttpSession();
		String token = loginToken(session);
		String before = session.getId();
		MvcResult result = this.mvc
			.perform(post("/login").session(session).header("Origin", ORIGIN)
				.param("username", "admin").param("password", ADMIN_PASSWORD).param("_csrf", token))
			.andExpect(status().isFound())
			.andExpect(redirectedUrl("/ui/"))
			.andReturn();
		MockHttpSession signedIn = (MockHttpSession) result.getRequest().getSession();
		assertThat(signedIn.getId()).isNotEqualTo(before);
		this.mvc.perform(get("/ui/api/me").session(signedIn))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.username").value("admin"))
			.andExpect(jsonPath("$.role").value("admin"));
		this.mvc.perform(get("/ui/containers").session(signedIn))
			.andExpect(status().isOk())
			.andExpect(header().string("Content-Security-Policy",
					org.hamcrest.Matchers.containsString("script-src 'self'")))
			.andExpect(header().string("X-Content-Type-Options", "nosniff"));
	}

	@Test
	void aWrongPasswordAForeignOriginOrAMissingTokenDoNotSignIn() throws Exception {
		MockHttpSession session = new MockHttpSession();
		String token = loginToken(session);
		this.mvc
			.perform(post("/login").session(session).header("Origin", ORIGIN)
				.param("username", "admin").param("password", "wrong-password").param("_csrf", token))
			.andExpect(redirectedUrl("/login?error"));
		this.mvc
			.perform(post("/login").session(session).header("Origin", "http://evil.example")
				.param("username", "admin").param("password", ADMIN_PASSWORD).param("_csrf", token))
			.andExpect(status().isForbidden());
		this.mvc
			.perform(post("/login").session(session).header("Origin", ORIGIN)
				.param("username", "admin").param("password", ADMIN_PASSWORD))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.message").value("missing or wrong CSRF token; reload the page"));
		this.mvc.perform(get("/ui/api/me").session(session)).andExpect(status().isUnauthorized());
	}

	@Test
	void repeatedFailuresLockTheNameOutEvenWithTheRightPassword() throws Exception {
		this.users.create("lockme", "lockme-pass-1", Role.VIEWER);
		for (int i = 0; i < 5; i++) {
			MockHttpSession session = new MockHttpSession();
			String token = loginToken(session);
			this.mvc.perform(post("/login").session(session).header("Origin", ORIGIN).with(fromAddress("10.9.9." + i))
				.param("username", "lockme").param("password", "guess-" + i).param("_csrf", token))
				.andExpect(redirectedUrl("/login?error"));
		}
		MockHttpSession session = new MockHttpSession();
		String token = loginToken(session);
		this.mvc.perform(post("/login").session(session).header("Origin", ORIGIN).with(fromAddress("10.9.9.77"))
			.param("username", "lockme").param("password", "lockme-pass-1").param("_csrf", token))
			.andExpect(status().isTooManyRequests());
		this.mvc.perform(get("/ui/api/me").session(session)).andExpect(status().isUnauthorized());
	}

	@Test
	void aViewerIsRefusedStopRemoveRunAndEveryAdminPage() throws Exception {
		MockHttpSession viewer = signIn("vera", "viewer-pass-1");
		String csrf = csrf(viewer);
		this.mvc.perform(get("/ui/api/containers").session(viewer)).andExpect(status().isOk());
		this.mvc.perform(csrf(post("/ui/api/containers/anything/stop"), viewer, csrf))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.message").value("\"vera\" is a viewer; this needs the operator role"));
		this.mvc.perform(csrf(delete("/ui/api/containers/anything"), viewer, csrf)).andExpect(status().isForbidden());
		this.mvc.perform(csrf(post("/ui/api/containers/bulk"), viewer, csrf)
			.contentType(MediaType.APPLICATION_JSON).content("{\"action\":\"stop\",\"ids\":[\"x\"]}"))
			.andExpect(status().isForbidden());
		this.mvc.perform(csrf(post("/ui/api/containers"), viewer, csrf)
			.contentType(MediaType.APPLICATION_JSON).content("{\"image\":\"busybox\"}"))
			.andExpect(status().isForbidden());
		this.mvc.perform(get("/ui/api/users").session(viewer)).andExpect(status().isForbidden());
		this.mvc.perform(get("/ui/users").session(viewer)).andExpect(status().isForbidden());
		this.mvc.perform(csrf(put("/ui/api/settings"), viewer, csrf)
			.contentType(MediaType.APPLICATION_JSON).content("{\"logRetentionHours\":1}"))
			.andExpect(status().isForbidden());
	}

	@Test
	void aViewersSocketIsRefusedATerminalButMayWatch() throws Exception {
		WebSocketHandler live = this.context.getBean("liveSocketHandler", WebSocketHandler.class);
		RecordingSession viewer = new RecordingSession(new SignedInUser("vera", Role.VIEWER));
		live.afterConnectionEstablished(viewer);
		live.handleMessage(viewer, new TextMessage(
				"{\"op\":\"exec\",\"ch\":\"term:1\",\"container\":\"anything\",\"cmd\":\"/bin/sh\"}"));
		assertThat(viewer.sent).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.contains("\"ch\":\"term:1\"")
			.contains("is a viewer; a terminal needs the operator role");
		live.handleMessage(viewer, new TextMessage("{\"op\":\"sub\",\"ch\":\"events\"}"));
		assertThat(viewer.sent).hasSize(1);
		live.afterConnectionClosed(viewer, CloseStatus.NORMAL);
		// An operator gets past the role: the engine answers that there is no such container.
		RecordingSession operator = new RecordingSession(new SignedInUser("olga", Role.OPERATOR));
		live.afterConnectionEstablished(operator);
		live.handleMessage(operator, new TextMessage(
				"{\"op\":\"exec\",\"ch\":\"term:1\",\"container\":\"anything\",\"cmd\":\"/bin/sh\"}"));
		assertThat(operator.sent).singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
			.contains("\"ch\":\"term:1\"")
			.contains("\"error\":\"No such container: anything\"");
		live.afterConnectionClosed(operator, CloseStatus.NORMAL);
	}

	@Test
	void anOperatorActsOnContainersButDoesNotManageUsers() throws Exception {
		MockHttpSession operator = signIn("olga", "operator-pass");
		String csrf = csrf(operator);
		// Past the role check, the engine itself answers: there is no such container.
		this.mvc.perform(csrf(post("/ui/api/containers/no-such-container/stop"), operator, csrf))
			.andExpect(status().isNotFound())
			.andExpect(jsonPath("$.message").value("No such container: no-such-container"));
		this.mvc.perform(csrf(post("/ui/api/containers"), operator, csrf)
			.contentType(MediaType.APPLICATION_JSON).content("{\"image\":\"busybox\",\"memory\":\"12 parsecs\"}"))
			.andExpect(status().isBadRequest())
			.andExpect(jsonPath("$.field").value("memory"));
		this.mvc.perform(get("/ui/api/users").session(operator)).andExpect(status().isForbidden());
		this.mvc.perform(csrf(post("/ui/api/users"), operator, csrf)
			.contentType(MediaType.APPLICATION_JSON)
			.content("{\"username\":\"mallory\",\"password\":\"mallory-pass\",\"role\":\"admin\"}"))
			.andExpect(status().isForbidden());
		assertThat(this.users.find("mallory")).isEmpty();
	}

	@Test
	void aStateChangeWithoutTheCsrfTokenOrFromAnotherOriginIsRefused() throws Exception {
		MockHttpSession admin = signIn("admin", ADMIN_PASSWORD);
		String csrf = csrf(admin);
		this.mvc.perform(post("/ui/api/containers/anything/stop").session(admin).header("Origin", ORIGIN))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.message").value("missing or wrong CSRF token; reload the page"));
		this.mvc.perform(post("/ui/api/containers/anything/stop").session(admin).header("Origin", ORIGIN)
			.header("X-CSRF-Token", "forged"))
			.andExpect(status().isForbidden());
		this.mvc.perform(post("/ui/api/containers/anything/stop").session(admin).header("Origin", "http://evil.example")
			.header("X-CSRF-Token", csrf))
			.andExpect(status().isForbidden())
			.andExpect(jsonPath("$.message").value("cross-origin request refused"));
		this.mvc.perform(get("/ui/ws").session(admin).header("Upgrade", "websocket").header("Origin", "http://evil.example"))
			.andExpect(status().isForbidden());
		this.mvc.perform(post("/logout").session(admin).header("Origin", ORIGIN))
			.andExpect(status().isForbidden());
	}

	@Test
	void adminsManageUsersButNeverRemoveTheLastAdmin() throws Exception {
		MockHttpSession admin = signIn("admin", ADMIN_PASSWORD);
		String csrf = csrf(admin);
		this.mvc.perform(csrf(post("/ui/api/users"), admin, csrf).contentType(MediaType.APPLICATION_JSON)
			.content("{\"username\":\"newbie\",\"password\":\"newbie-pass\",\"role\":\"viewer\"}"))
			.andExpect(status().isCreated())
			.andExpect(jsonPath("$.role").value("viewer"));
		this.mvc.perform(csrf(post("/ui/api/users"), admin, csrf).contentType(MediaType.APPLICATION_JSON)
			.content("{\"username\":\"short\",\"password\":\"abc\",\"role\":\"viewer\"}"))
			.andExpect(status().isBadRequest());
		this.mvc.perform(csrf(put("/ui/api/users/newbie"), admin, csrf).contentType(MediaType.APPLICATION_JSON)
			.content("{\"role\":\"operator\"}"))
			.andExpect(status().isOk())
			.andExpect(jsonPath("$.role").value("operator"));
		MockHttpSession newbie = signIn("newbie", "newbie-pass");
		this.mvc.perform(csrf(delete("/ui/api/users/admin"), admin, csrf))
			.andExpect(status().isConflict())
			.andExpect(jsonPath("$.message").value("\"admin\" is the last admin and cannot be removed"));
		this.mvc.perform(csrf(delete("/ui/api/users/newbie"), admin, csrf)).andExpect(status().isNoContent());
		// The removed user's session ends with the user.
		this.mvc.perform(get("/ui/api/me").session(newbie)).andExpect(status().isUnauthorized());
	}

	@Test
	void signOutEndsTheSession() throws Exception {
		MockHttpSession session = signIn("vera", "viewer-pass-1");
		String csrf = csrf(session);
		this.mvc.perform(csrf(post("/logout"), session, csrf)).andExpect(redirectedUrl("/login?logout"));
		this.mvc.perform(get("/ui/api/me").session(session)).andExpect(status().isUnauthorized());
	}

	@Test
	void theGeneratedPasswordFileIsNotWrittenWhenOneIsConfigured() {
		// This context was given a password; the file with a generated one exists only when none was.
		assertThat(ROOT.resolve("data/initial-admin-password")).doesNotExist();
	}

	private MockHttpServletRequestBuilder csrf(MockHttpServletRequestBuilder request, MockHttpSession session,
			String token) {
		return request.session(session).header("Origin", ORIGIN).header("X-CSRF-Token", token);
	}

	private String loginToken(MockHttpSession session) throws Exception {
		String page = this.mvc.perform(get("/login").session(session))
			.andExpect(status().isOk())
			.andReturn()
			.getResponse()
			.getContentAsString();
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(page);
		assertThat(m.find()).as("the sign-in form carries a CSRF token").isTrue();
		return m.group(1);
	}

	private MockHttpSession signIn(String name, String password) throws Exception {
		MockHttpSession session = new MockHttpSession();
		String token = loginToken(session);
		MvcResult result = this.mvc
			.perform(post("/login").session(session).header("Origin", ORIGIN)
				.param("username", name).param("password", password).param("_csrf", token))
			.andExpect(redirectedUrl("/ui/"))
			.andReturn();
		return (MockHttpSession) result.getRequest().getSession();
	}

	private String csrf(MockHttpSession session) throws Exception {
		String body = this.mvc.perform(get("/ui/api/me").session(session)).andReturn().getResponse().getContentAsString();
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(body);
		assertThat(m.find()).isTrue();
		return m.group(1);
	}

	private static RequestPostProcessor onPort(int port) {
		return (request) -> {
			request.setLocalPort(port);
			request.setServerPort((port > 0) ? port : 80);
			request.setServerName("localhost");
			request.removeHeader("Host");
			request.addHeader("Host", (port > 0) ? "localhost:" + port : "localhost");
			return request;
		};
	}

	private static RequestPostProcessor fromAddress(String address) {
		return (request) -> {
			request.setRemoteAddr(address);
			return request;
		};
	}

	private static Path tempRoot() {
		try {
			Path root = Files.createTempDirectory("berth-mvc-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			return root;
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

}
