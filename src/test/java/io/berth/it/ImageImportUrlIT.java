package io.berth.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker import URL}: the daemon fetches the tarball from a small HTTP server the test runs on 127.0.0.1, and a
 * download that fails leaves no image, blob, layer or temp file behind.
 */
class ImageImportUrlIT extends DaemonSupport {

	/** Small enough that the test can exceed it, large enough for the busybox rootfs. */
	private static final int MAX_LAYER = 8 * 1024 * 1024;

	private HttpServer server;

	private byte[] rootfs;

	@Override
	protected String[] daemonArgs() {
		return new String[] { "--berth.images.max-layer-size=" + MAX_LAYER + "B" };
	}

	@Override
	protected void prepare() throws Exception {
		this.rootfs = BusyboxImage.rootfsTar();
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/rootfs.tar", (ex) -> send(ex, 200, this.rootfs, true));
		this.server.createContext("/moved", (ex) -> {
			ex.getResponseHeaders().add("Location", "/rootfs.tar");
			send(ex, 302, new byte[0], true);
		});
		this.server.createContext("/missing", (ex) -> send(ex, 404, "not here\n".getBytes(StandardCharsets.UTF_8),
				true));
		this.server.createContext("/endless", (ex) -> send(ex, 200, new byte[MAX_LAYER + 1024 * 1024], false));
		this.server.start();
	}

	@AfterAll
	void stopServer() {
		if (this.server != null) {
			this.server.stop(0);
		}
	}

	@Test
	void importFromUrlPrintsProgressAndTagsTheImage() throws Exception {
		DockerCli.Result r = docker("import", url("/rootfs.tar"), "it-url:1").assertOk();
		List<String> lines = r.out().lines().toList();
		assertThat(lines).first().isEqualTo("Downloading from " + url("/rootfs.tar"));
		String id = lines.get(lines.size() - 1);
		assertThat(id).matches("sha256:[0-9a-f]{64}");
		assertThat(inspectImage("it-url:1", "{{.Id}}")).isEqualTo(id);
		assertThat(inspectImage("it-url:1", "{{.Comment}}")).isEqualTo("Imported from " + url("/rootfs.tar"));
		assertThat(inspectImage("it-url:1", "{{json .RootFS.Layers}}")).isEqualTo("[\"sha256:" + sha256(this.rootfs)
				+ "\"]");

		docker("import", "-c", "CMD [\"echo\", \"redirected\"]", "-m", "via a redirect", url("/moved"), "it-url:2")
			.assertOk();
		assertThat(inspectImage("it-url:2", "{{.Comment}}")).isEqualTo("via a redirect");
		assertThat(docker("run", "--rm", "it-url:2").assertOk().out().strip()).isEqualTo("redirected");
	}

	@Test
	void failedDownloadsReportWhyAndLeaveNothingBehind() throws Exception {
		List<String> blobsBefore = list("blobs/sha256");
		List<String> layersBefore = list("layers/sha256");
		String imagesBefore = docker("images", "-aq").assertOk().out();

		DockerCli.Result missing = docker("import", url("/missing"), "it-url:missing");
		assertThat(missing.exitCode()).isNotZero();
		assertThat(missing.err()).contains("failed to GET " + url("/missing") + " with status 404: not here");

		int closed;
		try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			closed = s.getLocalPort();
		}
		DockerCli.Result refused = docker("import", "http://127.0.0.1:" + closed + "/x.tar", "it-url:refused");
		assertThat(refused.exitCode()).isNotZero();
		assertThat(refused.err()).contains("connection refused");

		DockerCli.Result endless = docker("import", url("/endless"), "it-url:endless");
		assertThat(endless.exitCode()).isNotZero();
		assertThat(endless.err()).contains("larger than the maximum of " + MAX_LAYER);

		assertThat(docker("images", "-aq").assertOk().out()).isEqualTo(imagesBefore);
		assertThat(list("blobs/sha256")).isEqualTo(blobsBefore);
		assertThat(list("layers/sha256")).isEqualTo(layersBefore);
		assertThat(list("tmp")).noneMatch((n) -> n.startsWith("img-") || n.startsWith("blob-"));
	}

	private String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	private String inspectImage(String image, String format) {
		return docker("image", "inspect", "--format", format, image).assertOk().out().strip();
	}

	private List<String> list(String dir) throws IOException {
		try (Stream<Path> s = Files.list(this.daemon.dataRoot().resolve(dir))) {
			return s.map((p) -> p.getFileName().toString()).sorted().toList();
		}
	}

	/** Answers with a fixed length, or chunked (no length) so only the daemon's own limit stops the body. */
	private static void send(HttpExchange ex, int status, byte[] body, boolean withLength) throws IOException {
		ex.getRequestBody().readAllBytes();
		ex.sendResponseHeaders(status, withLength ? (body.length == 0 ? -1 : body.length) : 0);
		try (OutputStream out = ex.getResponseBody()) {
			out.write(body);
		}
		catch (IOException gone) {
			// The daemon stops reading a body it refuses.
		}
	}

	private static String sha256(byte[] data) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
	}

}
