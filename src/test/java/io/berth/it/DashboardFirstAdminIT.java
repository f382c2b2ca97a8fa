package io.berth.it;

import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A daemon started without {@code berth.security.initial-admin-password} makes the first admin with a generated
 * password: printed once in its log, written to a file only root can read, and good for signing in.
 */
class DashboardFirstAdminIT extends BusyboxDaemonSupport {

	@Override
	protected String[] daemonArgs() {
		return new String[] { "--berth.network.bridge-name=berthfa0", "--berth.network.bridge-subnet=10.89.0.0/24" };
	}

	@Test
	void theGeneratedPasswordIsLoggedOnceKeptInAPrivateFileAndSignsIn() throws Exception {
		Path file = this.daemon.dataRoot().resolve("initial-admin-password");
		assertThat(file).exists();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		String password = Files.readString(file).trim();
		assertThat(password).hasSizeGreaterThanOrEqualTo(16);
		String log = this.daemon.log();
		assertThat(log.split(Pattern.quote(password), -1)).as("the password appears once in the log").hasSize(2);

		String base = this.daemon.dashboardUrl();
		HttpClient client = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		String form = client.send(HttpRequest.newBuilder(URI.create(base + "/login")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		Matcher token = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form);
		assertThat(token.find()).isTrue();
		HttpResponse<String> signIn = client.send(HttpRequest.newBuilder(URI.create(base + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base)
			.POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + password + "&_csrf=" + token.group(1)))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(signIn.headers().firstValue("Location")).hasValue(base + "/ui/");
		HttpResponse<String> me = client.send(HttpRequest.newBuilder(URI.create(base + "/ui/api/me")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(me.statusCode()).isEqualTo(200);
		assertThat(me.body()).contains("\"role\":\"admin\"");

		// A container's stats history survives a restart of the daemon, as the admin and its password do.
		docker("run", "-d", "--name", "steady", "--network", "none", "busybox", "sleep", "600").assertOk();
		String stats = base + "/ui/api/containers/steady/stats";
		long deadline = System.nanoTime() + 45_000_000_000L;
		// Two buckets (10 s each): at least one of them closed before the restart's.
		while (pointsIn(client.send(HttpRequest.newBuilder(URI.create(stats)).build(),
				HttpResponse.BodyHandlers.ofString()).body()) < 3 && System.nanoTime() < deadline) {
			Thread.sleep(500);
		}
		long stoppedAt = System.currentTimeMillis();
		this.daemon.stop();
		this.daemon.launch();
		assertThat(Files.readString(file).trim()).isEqualTo(password);
		HttpClient again = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
		String base2 = this.daemon.dashboardUrl();
		String form2 = again.send(HttpRequest.newBuilder(URI.create(base2 + "/login")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		Matcher token2 = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form2);
		assertThat(token2.find()).isTrue();
		again.send(HttpRequest.newBuilder(URI.create(base2 + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded").header("Origin", base2)
			.POST(HttpRequest.BodyPublishers.ofString("username=admin&password=" + password + "&_csrf=" + token2.group(1)))
			.build(), HttpResponse.BodyHandlers.ofString());
		String after = again.send(HttpRequest.newBuilder(URI.create(base2 + "/ui/api/containers/steady/stats")).build(),
				HttpResponse.BodyHandlers.ofString()).body();
		Matcher first = Pattern.compile("\"t\":(\\d+)").matcher(after);
		assertThat(first.find()).as(after).isTrue();
		// Samples taken after the restart can only land in the bucket of the restart or later ones.
		long bucketOfStop = stoppedAt - stoppedAt % 10_000;
		assertThat(Long.parseLong(first.group(1))).as("a bucket from before the restart").isLessThan(bucketOfStop);
	}

	private static int pointsIn(String json) {
		return json.split("\"t\":", -1).length - 1;
	}

}
