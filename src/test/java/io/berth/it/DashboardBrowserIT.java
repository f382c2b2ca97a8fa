package io.berth.it;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium (Debian's, through its chromedriver; nothing is downloaded), driven by
 * Selenium through the whole flow: sign in, run a container from the form, watch it listed, its live log,
 * its charts and a terminal, stop it, see the events, remove it and still read its log. Screenshots of the pages go
 * to target/screenshots (docs/screenshots keeps a copy).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserIT extends BusyboxDaemonSupport {

	private static final String PASSWORD = "e2e-admin-password";

	private static final Path SHOTS = Path.of("target/screenshots");

	/** The container logs whatever lands in /tmp/say, so the test decides when a line is written. */
	private static final String SAY_LOOP = "echo started; while true; do if [ -f /tmp/say ]; then cat /tmp/say; "
			+ "rm /tmp/say; fi; sleep 0.1; done";

	private ChromeDriver browser;

	private String base;

	private String containerId;

	@Override
	protected String[] daemonArgs() {
		// A bridge of its own, so the test can run beside another daemon on the default one.
		return new String[] { "--berth.security.initial-admin-password=" + PASSWORD,
				"--berth.network.bridge-name=berthe2e0", "--berth.network.bridge-subnet=10.87.0.0/24" };
	}

	@BeforeAll
	void openBrowser() throws IOException {
		this.base = this.daemon.dashboardUrl();
		ChromeOptions options = new ChromeOptions();
		options.setBinary("/usr/bin/chromium");
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,900");
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile())
			.usingAnyFreePort()
			.build();
		this.browser = new ChromeDriver(service, options);
		Files.createDirectories(SHOTS);
	}

	@AfterAll
	void closeBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	@Order(1)
	void signsIn() {
		this.browser.get(this.base + "/ui/containers");
		wait(5).until(ExpectedConditions.urlContains("/login"));
		screenshot("login");
		this.browser.findElement(By.name("username")).sendKeys("admin");
		this.browser.findElement(By.name("password")).sendKeys("wrong-password");
		this.browser.findElement(By.cssSelector("button[type=submit]")).click();
		wait(5).until(ExpectedConditions.urlContains("/login?error"));
		this.browser.findElement(By.name("username")).sendKeys("admin");
		this.browser.findElement(By.name("password")).sendKeys(PASSWORD);
		this.browser.findElement(By.cssSelector("button[type=submit]")).click();
		// Back to the page first asked for.
		wait(10).until(ExpectedConditions.urlToBe(this.base + "/ui/containers"));
		assertThat(this.browser.manage().getCookieNamed("BERTH_SESSION").isHttpOnly()).isTrue();
	}

	@Test
	@Order(2)
	void runsAContainerFromTheFormAndSeesItRunningWithoutAReload() {
		this.browser.get(this.base + "/ui/containers");
		markPage();
		this.browser.findElement(By.id("run-open")).click();
		WebElement form = wait(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("run-form")));
		form.findElement(By.name("image")).sendKeys("busybox");
		form.findElement(By.name("name")).sendKeys("e2e-web");
		form.findElement(By.name("memory")).sendKeys("12 parsecs");
		form.findElement(By.name("cmd")).sendKeys("sh -c '" + SAY_LOOP + "'");
		this.browser.findElement(By.id("run-submit")).click();
		// The server's own validation, named by field.
		WebElement error = wait(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("run-error")));
		assertThat(error.getText()).contains("invalid memory limit");
		assertThat(this.browser.findElements(By.cssSelector(".field-error[data-field=memory]"))).isNotEmpty();
		WebElement memory = form.findElement(By.name("memory"));
		memory.clear();
		memory.sendKeys("64m");
		this.browser.findElement(By.id("run-submit")).click();
		WebElement row = wait(10).until(ExpectedConditions
			.presenceOfElementLocated(By.cssSelector("#containers tr[data-name='e2e-web'][data-state='running']")));
		this.containerId = row.getAttribute("data-id");
		assertThat(row.findElement(By.cssSelector(".state")).getText()).isEqualTo("running");
		assertPageNotReloaded();
		assertThat(inspect("e2e-web", "{{.State.Status}} {{.HostConfig.Memory}}")).isEqualTo("running 67108864");
		// A container started elsewhere shows up on the open page too.
		docker("run", "-d", "--name", "e2e-cli", "--network", "none", "busybox", "sh", "-c", "echo cli-hello; sleep 300")
			.assertOk();
		wait(5).until(ExpectedConditions
			.presenceOfElementLocated(By.cssSelector("#containers tr[data-name='e2e-cli'][data-state='running']")));
		assertPageNotReloaded();
		screenshot("containers");
	}

	@Test
	@Order(3)
	void showsALogLineWrittenAfterThePageOpenedWithinTwoSeconds() {
		this.browser.findElement(By.cssSelector("tr[data-name='e2e-web'] a.container-link")).click();
		wait(5).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#log-view .log-line")));
		markPage();
		String line = "written-after-open-" + System.nanoTime();
		say(line + "\\n");
		new WebDriverWait(this.browser, Duration.ofSeconds(2))
			.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log-view"), line));
		// A line with markup and colour codes is shown as text, coloured, and never run.
		say("\\033[31m<script>window.__injected=1</script><img src=x onerror=window.__injected=2>\\033[0m\\n");
		WebElement red = wait(5).until(ExpectedConditions
			.presenceOfElementLocated(By.xpath("//*[@id='log-view']//span[contains(@class,'ansi-fg-1')]")));
		assertThat(red.getText()).isEqualTo("<script>window.__injected=1</script><img src=x onerror=window.__injected=2>");
		assertThat(this.browser.findElements(By.cssSelector("#log-view script, #log-view img"))).isEmpty();
		assertThat(((JavascriptExecutor) this.browser).executeScript("return window.__injected === undefined"))
			.isEqualTo(true);
		assertPageNotReloaded();
		screenshot("container-logs");
	}

	@Test
	@Order(4)
	void drawsTheCpuAndMemoryCharts() {
		this.browser.findElement(By.cssSelector("[data-tab=stats]")).click();
		wait(15).until((d) -> points("chart-cpu") >= 2 && points("chart-mem") >= 2);
		screenshot("container-stats");
	}

	@Test
	@Order(5)
	void runsEchoInTheTerminal() {
		this.browser.findElement(By.cssSelector("[data-tab=terminal]")).click();
		WebElement shell = this.browser.findElement(By.id("term-shell"));
		shell.clear();
		shell.sendKeys("/bin/sh");
		this.browser.findElement(By.id("term-connect")).click();
		wait(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#terminal .xterm-rows")));
		WebElement input = wait(5)
			.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#terminal .xterm-helper-textarea")));
		// The shell works the sum out, so the answer cannot be the keystrokes echoed back.
		input.sendKeys("echo term-$((6*7))" + Keys.ENTER);
		wait(10).until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#terminal .xterm-rows"),
				"term-42"));
		screenshot("container-terminal");
		assertThat(docker("top", "e2e-web").assertOk().out()).contains("/bin/sh");
		// Disconnecting hangs the shell up, so it does not run on in the container.
		this.browser.findElement(By.id("term-disconnect")).click();
		wait(10).until((d) -> !docker("top", "e2e-web").assertOk().out().contains("/bin/sh"));
	}

	@Test
	@Order(6)
	void stopsItAndTheTimelineShowsDieStopAndWhoDidIt() {
		this.browser.findElement(By.cssSelector("[data-tab=logs]")).click();
		this.browser.findElement(By.cssSelector("button[data-action=stop]")).click();
		wait(20).until(ExpectedConditions.textToBe(By.id("container-state"), "exited"));
		assertThat(inspect("e2e-web", "{{.State.Status}}")).isEqualTo("exited");
		this.browser.get(this.base + "/ui/events");
		wait(10).until(ExpectedConditions.presenceOfElementLocated(
				By.cssSelector("#events-list .event[data-action='die'][data-id='" + this.containerId + "']")));
		wait(10).until(ExpectedConditions.presenceOfElementLocated(
				By.cssSelector("#events-list .event[data-action='stop'][data-id='" + this.containerId + "']")));
		WebElement audit = wait(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(
				"#events-list .event[data-type='audit'][data-action='container.stop'][data-id='" + this.containerId + "']")));
		assertThat(audit.getText()).contains("admin");
		screenshot("events");
		// Live: an event that happens while the timeline is open appears on it.
		markPage();
		docker("stop", "-t", "1", "e2e-cli").assertOk();
		wait(10).until(ExpectedConditions.presenceOfElementLocated(
				By.cssSelector("#events-list .event[data-action='die'][data-type='container']:not([data-id='"
						+ this.containerId + "'])")));
		assertPageNotReloaded();
	}

	@Test
	@Order(7)
	void mergesTwoContainersLogsAndJumpsToAContainerFromThePalette() {
		this.browser.get(this.base + "/ui/logs?ids=" + this.containerId + ",e2e-cli");
		WebElement merged = wait(10).until(ExpectedConditions.presenceOfElementLocated(By.id("merged-view")));
		wait(10).until(ExpectedConditions.textToBePresentInElement(merged, "cli-hello"));
		wait(10).until(ExpectedConditions.textToBePresentInElement(merged, "written-after-open-"));
		assertThat(merged.findElements(By.cssSelector(".log-line .log-container")))
			.extracting(WebElement::getText)
			.contains("e2e-web", "e2e-cli");
		screenshot("merged-logs");
		this.browser.findElement(By.tagName("body")).sendKeys(Keys.chord(Keys.CONTROL, "k"));
		WebElement input = wait(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("palette-input")));
		input.sendKeys("e2e-cli");
		wait(5).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".palette-item")));
		input.sendKeys(Keys.ENTER);
		wait(10).until(ExpectedConditions.urlMatches("/ui/containers/[0-9a-f]{64}"));
		wait(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("log-view"), "cli-hello"));
	}

	@Test
	@Order(8)
	void opensAMillionLineLogAtItsEndAndPagesBackToItsStart() {
		docker("run", "--name", "e2e-million", "--network", "none", "busybox", "seq", "1", "1000000").assertOk();
		String id = inspect("e2e-million", "{{.Id}}");
		this.browser.get(this.base + "/ui/containers/" + id);
		WebElement view = wait(10).until(ExpectedConditions.presenceOfElementLocated(By.id("log-view")));
		wait(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#log-view .log-line[data-n='999999']")));
		assertThat(this.browser.findElement(By.cssSelector("#log-view .log-line[data-n='999999']")).getText())
			.isEqualTo("1000000");
		// Virtualised: only the lines in sight are in the page.
		assertThat(view.findElements(By.cssSelector(".log-line")).size()).isLessThan(1000);
		// As a user does: the Home key on the log, then a wheel turn and a jump to the middle.
		view.sendKeys(Keys.HOME);
		wait(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#log-view .log-line[data-n='0']")));
		assertThat(this.browser.findElement(By.cssSelector("#log-view .log-line[data-n='0']")).getText()).isEqualTo("1");
		((JavascriptExecutor) this.browser).executeScript(
				"arguments[0].dispatchEvent(new WheelEvent('wheel', {deltaY: 100}));"
						+ "arguments[0].scrollTop = arguments[0].scrollHeight / 2;", view);
		wait(10).until((d) -> {
			List<WebElement> lines = view.findElements(By.cssSelector(".log-line"));
			if (lines.isEmpty()) {
				return false;
			}
			long n = Long.parseLong(lines.get(0).getAttribute("data-n"));
			return n > 400_000L && n < 600_000L;
		});
		WebElement middle = view.findElements(By.cssSelector(".log-line")).get(0);
		assertThat(middle.getText()).isEqualTo(Long.toString(Long.parseLong(middle.getAttribute("data-n")) + 1));
		docker("rm", "e2e-million").assertOk();
	}

	@Test
	@Order(9)
	void removesItAndItsLogStaysReadable() {
		this.browser.get(this.base + "/ui/containers/" + this.containerId);
		wait(5).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#log-view .log-line")));
		this.browser.findElement(By.cssSelector("button[data-action=remove]")).click();
		wait(5).until(ExpectedConditions.alertIsPresent()).accept();
		wait(20).until(ExpectedConditions.textToBe(By.id("container-state"), "removed"));
		assertThat(docker("ps", "-a", "--format", "{{.Names}}").assertOk().out()).doesNotContain("e2e-web");
		this.browser.navigate().refresh();
		wait(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("log-view"), "written-after-open-"));
		assertThat(this.browser.findElement(By.id("container-state")).getText()).isEqualTo("removed");
		assertThat(this.browser.findElement(By.cssSelector(".ct-cli")).isDisplayed())
			.as("no docker command is offered for a removed container")
			.isFalse();
		screenshot("removed-container");
		this.browser.get(this.base + "/ui/");
		wait(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#recent-events .event")));
		screenshot("overview");
		this.browser.findElement(By.id("theme-toggle")).click();
		assertThat(((JavascriptExecutor) this.browser).executeScript("return document.documentElement.dataset.theme"))
			.isEqualTo("dark");
		this.browser.get(this.base + "/ui/containers/" + this.containerId);
		wait(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("log-view"), "written-after-open-"));
		// The choice is remembered across pages.
		assertThat(((JavascriptExecutor) this.browser).executeScript("return document.documentElement.dataset.theme"))
			.isEqualTo("dark");
		screenshot("removed-container-dark");
		this.browser.findElement(By.id("theme-toggle")).click();
		this.browser.manage().window().setSize(new Dimension(390, 844));
		this.browser.get(this.base + "/ui/containers");
		wait(5).until(ExpectedConditions.presenceOfElementLocated(By.id("containers")));
		screenshot("containers-phone");
		this.browser.manage().window().setSize(new Dimension(1400, 900));
	}

	@Test
	@Order(10)
	void aViewersSocketIsRefusedATerminalAndAForeignOriginIsRefusedTheSocket() throws Exception {
		HttpClient admin = signedInClient("admin", PASSWORD);
		String csrf = csrfOf(admin);
		HttpResponse<String> created = admin.send(HttpRequest.newBuilder(URI.create(this.base + "/ui/api/users"))
			.header("Content-Type", "application/json").header("Origin", this.base).header("X-CSRF-Token", csrf)
			.POST(HttpRequest.BodyPublishers.ofString(
					"{\"username\":\"vic\",\"password\":\"viewer-password\",\"role\":\"viewer\"}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		docker("start", "e2e-cli").assertOk();
		HttpClient viewer = signedInClient("vic", "viewer-password");
		Messages messages = new Messages();
		WebSocket socket = viewer.newWebSocketBuilder()
			.header("Origin", this.base)
			.buildAsync(URI.create(this.base.replace("http", "ws") + "/ui/ws"), messages)
			.get(10, TimeUnit.SECONDS);
		socket.sendText("{\"op\":\"exec\",\"ch\":\"term:1\",\"container\":\"e2e-cli\",\"cmd\":\"/bin/sh\"}", true);
		assertThat(messages.next()).contains("\"ch\":\"term:1\"").contains("needs the operator role");
		// Reading is allowed: the same viewer's socket gets the containers channel.
		socket.sendText("{\"op\":\"sub\",\"ch\":\"stats:e2e-cli\"}", true);
		assertThat(messages.next()).contains("\"ch\":\"stats:e2e-cli\"").contains("\"point\"");
		socket.abort();
		CompletableFuture<WebSocket> foreign = viewer.newWebSocketBuilder()
			.header("Origin", "http://evil.example")
			.buildAsync(URI.create(this.base.replace("http", "ws") + "/ui/ws"), new Messages());
		try {
			foreign.join();
			throw new AssertionError("a socket from another origin was accepted");
		}
		catch (CompletionException ex) {
			assertThat(ex.getCause()).isInstanceOf(WebSocketHandshakeException.class);
			assertThat(((WebSocketHandshakeException) ex.getCause()).getResponse().statusCode()).isEqualTo(403);
		}
		copyScreenshotsToDocs();
	}

	@Test
	@Order(11)
	void aRetentionOfZeroForgetsRemovedContainersLogs() throws Exception {
		HttpClient admin = signedInClient("admin", PASSWORD);
		String csrf = csrfOf(admin);
		String logs = this.base + "/ui/api/containers/" + this.containerId + "/logs";
		assertThat(admin.send(HttpRequest.newBuilder(URI.create(logs)).build(), HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(200);
		HttpResponse<String> put = admin.send(HttpRequest.newBuilder(URI.create(this.base + "/ui/api/settings"))
			.header("Content-Type", "application/json").header("Origin", this.base).header("X-CSRF-Token", csrf)
			.PUT(HttpRequest.BodyPublishers.ofString("{\"logRetentionHours\":0}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
		assertThat(admin.send(HttpRequest.newBuilder(URI.create(logs)).build(), HttpResponse.BodyHandlers.ofString())
			.statusCode()).isEqualTo(404);
		assertThat(this.daemon.dataRoot().resolve("removed-containers").resolve(this.containerId)).doesNotExist();
	}

	private HttpClient signedInClient(String user, String password) throws Exception {
		HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		String form = client.send(HttpRequest.newBuilder(URI.create(this.base + "/login")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		Matcher m = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form);
		assertThat(m.find()).isTrue();
		HttpResponse<String> signIn = client.send(HttpRequest.newBuilder(URI.create(this.base + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded").header("Origin", this.base)
			.POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password + "&_csrf=" + m.group(1)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(signIn.headers().firstValue("Location")).hasValue(this.base + "/ui/");
		return client;
	}

	private String csrfOf(HttpClient client) throws Exception {
		String me = client.send(HttpRequest.newBuilder(URI.create(this.base + "/ui/api/me")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		Matcher m = Pattern.compile("\"csrf\":\"([^\"]+)\"").matcher(me);
		assertThat(m.find()).as(me).isTrue();
		return m.group(1);
	}

	/** Text messages of a socket, one at a time. */
	private static final class Messages implements WebSocket.Listener {

		private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();

		private final StringBuilder partial = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.partial.append(data);
			if (last) {
				this.queue.add(this.partial.toString());
				this.partial.setLength(0);
			}
			webSocket.request(1);
			return null;
		}

		String next() throws InterruptedException {
			String m = this.queue.poll(15, TimeUnit.SECONDS);
			assertThat(m).as("a message on the socket").isNotNull();
			return m;
		}

	}

	/** Writes text (printf escapes allowed) into the container's log through its /tmp/say file. */
	private void say(String printfText) {
		docker("exec", "e2e-web", "sh", "-c", "printf '" + printfText + "' > /tmp/say.new && mv /tmp/say.new /tmp/say")
			.assertOk();
	}

	private int points(String chart) {
		String n = this.browser.findElement(By.id(chart)).getAttribute("data-points");
		return (n == null || n.isEmpty()) ? 0 : Integer.parseInt(n);
	}

	/** Marks the page, so a later check can tell that what changed came without a reload. */
	private void markPage() {
		((JavascriptExecutor) this.browser).executeScript("window.__notReloaded = true;");
	}

	private void assertPageNotReloaded() {
		assertThat(((JavascriptExecutor) this.browser).executeScript("return window.__notReloaded === true"))
			.as("the page was not reloaded")
			.isEqualTo(true);
	}

	private WebDriverWait wait(int seconds) {
		return new WebDriverWait(this.browser, Duration.ofSeconds(seconds));
	}

	private void screenshot(String name) {
		try {
			Path shot = this.browser.getScreenshotAs(OutputType.FILE).toPath();
			Files.copy(shot, SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	/** Keeps docs/screenshots current when the tests run from a working tree that has it. */
	private static void copyScreenshotsToDocs() throws IOException {
		Path docs = Path.of("docs/screenshots");
		if (!Files.isDirectory(docs) || !Boolean.getBoolean("berth.update-screenshots")) {
			return;
		}
		try (var shots = Files.list(SHOTS)) {
			for (Path p : shots.toList()) {
				Files.copy(p, docs.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
			}
		}
	}

}
