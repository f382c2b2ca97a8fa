package io.berth.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dockerfile builds through the real docker CLI with the classic builder ({@code DOCKER_BUILDKIT=0}) and through
 * docker-py: the instructions' effects seen in a container and in the image config, the layer cache, multi-stage
 * builds, and failures that tag nothing and leave no container or mount.
 */
class BuildIT extends BusyboxDaemonSupport {

	@TempDir
	Path dir;

	@Override
	protected String[] daemonArgs() {
		return new String[] { "--berth.build.max-context-size=8MB" };
	}

	@AfterEach
	void removeContainers() {
		String ids = docker("ps", "-aq").assertOk().out().strip();
		if (!ids.isEmpty()) {
			docker(("rm -f " + ids.replace('\n', ' ')).split(" ")).assertOk();
		}
	}

	@Test
	void oneDockerfileWithNearlyEveryInstruction() throws Exception {
		write("Dockerfile", """
				# syntax=docker/dockerfile:1
				ARG BASE=busybox
				FROM ${BASE} AS base
				LABEL org.test.kind="every instruction" version=1
				ENV GREETING=hello \\
				    TARGET=world
				ARG WHO=nobody
				WORKDIR /app
				COPY dir/ /app/dir/
				COPY --chown=1000:1000 --chmod=640 file.txt owned.txt
				ADD archive.tar /app/unpacked/
				COPY . /ctx/
				RUN echo "$GREETING $TARGET from $WHO" > /app/ran.txt
				USER 1000
				EXPOSE 8080 53/udp
				VOLUME /data
				HEALTHCHECK --interval=5s --timeout=3s --retries=2 CMD true
				STOPSIGNAL SIGTERM
				SHELL ["/bin/sh", "-c"]
				ONBUILD RUN echo triggered
				ENTRYPOINT ["echo", "entry"]
				CMD ["from", "cmd"]
				""");
		write(".dockerignore", "secret.txt\n*.log\n!keep.log\n");
		write("dir/a.txt", "a\n");
		write("dir/sub/b.txt", "b\n");
		write("file.txt", "owned\n");
		write("secret.txt", "do not copy\n");
		write("debug.log", "noise\n");
		write("keep.log", "kept\n");
		Files.write(this.dir.resolve("archive.tar"), tar(Map.of("x/y.txt", "from the archive\n")));

		DockerCli.Result build = docker("build", "-t", "every:1", "--build-arg", "WHO=builder", this.dir.toString());
		assertThat(build.exitCode()).as(build.out() + build.err()).isZero();
		assertThat(build.out()).contains("Step 1/20 : ARG BASE=busybox\nStep 2/20 : FROM ${BASE} AS base")
			.contains("Successfully tagged every:1");

		assertThat(docker("run", "--rm", "every:1").assertOk().out()).isEqualTo("entry from cmd\n");
		String inside = docker("run", "--rm", "--entrypoint", "sh", "every:1", "-c",
				"pwd; id -u; cat /app/ran.txt; ls /app/dir /app/dir/sub; ls -ln /app/owned.txt; "
						+ "cat /app/unpacked/x/y.txt; ls -a /ctx")
			.assertOk()
			.out();
		assertThat(inside).startsWith("/app\n1000\nhello world from builder\n")
			.contains("a.txt", "b.txt", "from the archive\n", "keep.log", "file.txt")
			.doesNotContain("secret.txt")
			.doesNotContain("debug.log");
		assertThat(inside).containsPattern("-rw-r-----\\s+1\\s+1000\\s+1000\\s+6 .* /app/owned.txt");

		assertThat(inspect("every:1", "{{index .Config.Labels \"org.test.kind\"}}|{{.Config.Labels.version}}"))
			.isEqualTo("every instruction|1");
		assertThat(inspect("every:1", "{{json .Config.ExposedPorts}}")).isEqualTo("{\"53/udp\":{},\"8080/tcp\":{}}");
		assertThat(inspect("every:1", "{{json .Config.Volumes}}")).isEqualTo("{\"/data\":{}}");
		assertThat(inspect("every:1", "{{json .Config.Healthcheck}}"))
			.isEqualTo("{\"Test\":[\"CMD-SHELL\",\"true\"],\"Interval\":5000000000,\"Timeout\":3000000000,"
					+ "\"Retries\":2}");
		assertThat(inspect("every:1", "{{.Config.StopSignal}} {{.Config.User}} {{.Config.WorkingDir}}"))
			.isEqualTo("SIGTERM 1000 /app");
		assertThat(inspect("every:1", "{{json .Config.OnBuild}}")).isEqualTo("[\"RUN echo triggered\"]");
		assertThat(inspect("every:1", "{{json .Config.Env}}")).contains("GREETING=hello", "TARGET=world");

		write("child.Dockerfile", "FROM every:1\n");
		DockerCli.Result child = docker("build", "-f", this.dir.resolve("child.Dockerfile").toString(), "-t",
				"child:1", this.dir.toString());
		assertThat(child.exitCode()).as(child.out() + child.err()).isZero();
		assertThat(child.out()).contains("# Executing 1 build trigger").contains("triggered\n");
		assertThat(inspect("child:1", "{{json .Config.OnBuild}}")).isEqualTo("null");
	}

	@Test
	void aRebuildUsesTheCacheAndAChangedFileRebuildsFromItsStep() throws Exception {
		write("Dockerfile", """
				FROM busybox
				RUN echo first > /first
				COPY data.txt /data.txt
				RUN cat /data.txt > /copy
				""");
		write("data.txt", "one\n");
		String first = buildId("cached:1");
		DockerCli.Result again = docker("build", "-t", "cached:1", this.dir.toString()).assertOk();
		assertThat(again.out().split(" ---> Using cache", -1)).hasSize(4);
		assertThat(idOf("cached:1")).isEqualTo(first);
		this.daemon.stop();
		this.daemon.launch();
		assertThat(buildId("cached:1")).as("the cache survives a restart").isEqualTo(first);

		write("data.txt", "two\n");
		DockerCli.Result changed = docker("build", "-t", "cached:2", this.dir.toString()).assertOk();
		String out = changed.out();
		assertThat(out.substring(0, out.indexOf("Step 3/4"))).contains("Using cache");
		assertThat(out.substring(out.indexOf("Step 3/4"))).doesNotContain("Using cache");
		assertThat(idOf("cached:2")).isNotEqualTo(first);
		assertThat(docker("run", "--rm", "cached:2", "cat", "/copy").assertOk().out()).isEqualTo("two\n");
		assertThat(docker("run", "--rm", "cached:1", "cat", "/copy").assertOk().out()).isEqualTo("one\n");
	}

	@Test
	void heredocsSubstitutionLabelsAndNoCache() throws Exception {
		write("Dockerfile", """
				FROM busybox
				ENV GREETING=hi
				ENV A=${UNSET:-fallback} B=${GREETING:+was-set} C=${UNSET:+never}
				RUN <<EOF
				echo "heredoc run: $A $B [$C]" > /h1
				EOF
				COPY <<EOF /h2
				heredoc copy
				EOF
				""");
		docker("build", "-t", "docs:1", "--label", "team=build", this.dir.toString()).assertOk();
		assertThat(docker("run", "--rm", "docs:1", "cat", "/h1", "/h2").assertOk().out())
			.isEqualTo("heredoc run: fallback was-set []\nheredoc copy\n");
		assertThat(inspect("docs:1", "{{.Config.Labels.team}}")).isEqualTo("build");
		assertThat(docker("build", "-t", "docs:1", "--label", "team=build", this.dir.toString()).assertOk().out())
			.contains("Using cache");
		DockerCli.Result fresh = docker("build", "--no-cache", "-t", "docs:2", this.dir.toString()).assertOk();
		assertThat(fresh.out()).doesNotContain("Using cache");
		assertThat(idOf("docs:2")).isNotEqualTo(idOf("docs:1"));
	}

	@Test
	void multiStageCopiesFromAStageAndLeavesTheRestBehind() throws Exception {
		write("Dockerfile", """
				FROM busybox AS builder
				RUN echo built > /artifact && echo junk > /junk
				FROM busybox AS unused
				RUN echo unused > /unused
				FROM busybox
				COPY --from=builder /artifact /artifact
				CMD ["cat", "/artifact"]
				""");
		docker("build", "-t", "staged:1", this.dir.toString()).assertOk();
		assertThat(docker("run", "--rm", "staged:1").assertOk().out()).isEqualTo("built\n");
		assertThat(docker("run", "--rm", "staged:1", "ls", "/").assertOk().out()).doesNotContain("junk")
			.doesNotContain("unused");

		docker("build", "--target", "builder", "-t", "staged:builder", this.dir.toString()).assertOk();
		assertThat(docker("run", "--rm", "staged:builder", "cat", "/junk").assertOk().out()).isEqualTo("junk\n");
	}

	@Test
	void aFailingRunTagsNothingAndLeavesNoContainerOrMount() throws Exception {
		write("Dockerfile", """
				FROM busybox
				RUN echo before
				RUN echo failing; exit 3
				""");
		DockerCli.Result r = docker("build", "-t", "broken:1", this.dir.toString());
		assertThat(r.exitCode()).isNotZero();
		assertThat(r.out() + r.err()).contains("The command '/bin/sh -c echo failing; exit 3' returned a "
				+ "non-zero code: 3")
			.contains("failing");
		assertThat(docker("images", "-q", "broken").assertOk().out()).isEmpty();
		assertThat(docker("ps", "-aq").assertOk().out()).isEmpty();
		assertThat(Files.readString(Path.of("/proc/self/mounts"))).doesNotContain(this.daemon.root().toString());
	}

	@Test
	void badDockerfilesAndSourcesGetClearErrors() throws Exception {
		write("Dockerfile", "FROM busybox\nFOO bar\n");
		DockerCli.Result unknown = docker("build", this.dir.toString());
		assertThat(unknown.exitCode()).isNotZero();
		assertThat(unknown.err()).contains("line 2").contains("unknown instruction: FOO");

		write("Dockerfile", "FROM busybox\nCOPY missing.txt /x\n");
		assertThat(docker("build", this.dir.toString()).err()).contains("missing.txt").contains("not found");

		write("Dockerfile", "FROM busybox\nCOPY ../outside /x\n");
		assertThat(docker("build", this.dir.toString()).err()).contains("outside the build context");
		assertThat(docker("ps", "-aq").assertOk().out()).isEmpty();
	}

	@Test
	void hostileContextsAreRefusedWithNothingLeft() throws Exception {
		byte[] dotdot = tar(Map.of("Dockerfile", "FROM busybox\n", "../escape.txt", "out\n"));
		RawHttp.Response r = RawHttp.send(this.daemon.socket(), "POST", "/build?t=hostile", "Content-Type: "
				+ "application/x-tar\r\n", dotdot);
		assertThat(r.status()).isEqualTo(400);
		assertThat(r.body()).contains("escape.txt");
		assertThat(this.daemon.root().getParent().resolve("escape.txt")).doesNotExist();

		RawHttp.Response outside = RawHttp.send(this.daemon.socket(), "POST", "/build?dockerfile=../Dockerfile",
				"Content-Type: application/x-tar\r\n", tar(Map.of("Dockerfile", "FROM busybox\n")));
		assertThat(outside.status()).isEqualTo(400);
		assertThat(outside.body()).contains("must be within the build context");

		write("Dockerfile", "FROM busybox\n");
		Files.write(this.dir.resolve("big.bin"), new byte[9 * 1024 * 1024]);
		DockerCli.Result big = docker("build", this.dir.toString());
		assertThat(big.exitCode()).isNotZero();
		assertThat(big.err()).contains("larger than");
		try (var left = Files.list(this.daemon.dataRoot().resolve("tmp"))) {
			assertThat(left.map((p) -> p.getFileName().toString()).filter((n) -> n.startsWith("build-")))
				.isEmpty();
		}
	}

	@Test
	void addFetchesAUrlAndAnUnreachableOneIsAClearError() throws Exception {
		com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer
			.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
		server.createContext("/files/remote.txt", (exchange) -> {
			byte[] body = "fetched\n".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		server.start();
		try {
			int port = server.getAddress().getPort();
			write("Dockerfile", "FROM busybox\nADD http://127.0.0.1:" + port + "/files/remote.txt /got/\n");
			docker("build", "-t", "fetched:1", this.dir.toString()).assertOk();
			assertThat(docker("run", "--rm", "fetched:1", "sh", "-c", "cat /got/remote.txt; stat -c %a /got/remote.txt")
				.assertOk()
				.out()).isEqualTo("fetched\n600\n");

			write("Dockerfile", "FROM busybox\nADD http://127.0.0.1:" + port + "/missing.txt /x\n");
			DockerCli.Result missing = docker("build", this.dir.toString());
			assertThat(missing.exitCode()).isNotZero();
			assertThat(missing.err()).contains("failed to fetch http://127.0.0.1:" + port + "/missing.txt")
				.contains("404");
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void buildsRunConcurrentlyAndAClientThatGoesAwayCancelsItsBuild() throws Exception {
		Path a = Files.createDirectories(this.dir.resolve("a"));
		Path b = Files.createDirectories(this.dir.resolve("b"));
		Files.writeString(a.resolve("Dockerfile"), "FROM busybox\nRUN sleep 1; echo a > /which\n");
		Files.writeString(b.resolve("Dockerfile"), "FROM busybox\nRUN sleep 1; echo b > /which\n");
		var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> docker("build", "-t", "par:a",
				a.toString()));
		var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> docker("build", "-t", "par:b",
				b.toString()));
		first.join().assertOk();
		second.join().assertOk();
		assertThat(docker("run", "--rm", "par:a", "cat", "/which").assertOk().out()).isEqualTo("a\n");
		assertThat(docker("run", "--rm", "par:b", "cat", "/which").assertOk().out()).isEqualTo("b\n");

		write("Dockerfile", "FROM busybox\nRUN echo started; sleep 120\n");
		ProcessBuilder pb = new ProcessBuilder(DockerCli.DOCKER, "-H", "unix://" + this.daemon.socket(), "build", "-t",
				"cancelled:1", this.dir.toString())
			.redirectErrorStream(true);
		pb.environment().put("DOCKER_BUILDKIT", "0");
		Process cli = pb.start();
		cli.getOutputStream().close();
		var reader = new java.io.BufferedReader(new java.io.InputStreamReader(cli.getInputStream(),
				StandardCharsets.UTF_8));
		String line;
		while ((line = reader.readLine()) != null && !line.strip().equals("started")) {
			// Up to the RUN's first output: the step's container runs now.
		}
		assertThat(line).isNotNull();
		assertThat(docker("ps", "-q").assertOk().out()).isNotEmpty();
		cli.destroyForcibly().waitFor();
		long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
		while (!docker("ps", "-aq").assertOk().out().isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(docker("ps", "-aq").assertOk().out()).as("the step's container is gone").isEmpty();
		assertThat(docker("images", "-q", "cancelled").assertOk().out()).isEmpty();
	}

	@Test
	void dockerPyBuildsAndTags() throws Exception {
		write("Dockerfile", "FROM busybox\nRUN echo py > /py\n");
		String script = "import docker, sys\n"
				+ "c = docker.DockerClient(base_url='unix://" + this.daemon.socket() + "')\n"
				+ "img, logs = c.images.build(path=sys.argv[1], tag='pybuilt:1')\n"
				+ "print(img.id)\n"
				+ "print(''.join(l.get('stream', '') for l in logs))\n";
		Process p = new ProcessBuilder("python3", "-c", script, this.dir.toString()).redirectErrorStream(true)
			.start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(p.waitFor()).as(out).isZero();
		assertThat(out).startsWith(idOf("pybuilt:1")).contains("Successfully built");
		assertThat(docker("run", "--rm", "pybuilt:1", "cat", "/py").assertOk().out()).isEqualTo("py\n");
	}

	private String buildId(String tag) {
		DockerCli.Result r = docker("build", "-q", "-t", tag, this.dir.toString());
		assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
		String id = r.out().strip();
		assertThat(id).isEqualTo(idOf(tag));
		return id;
	}

	private String idOf(String ref) {
		return inspect(ref, "{{.Id}}");
	}

	private void write(String name, String text) throws IOException {
		Path p = this.dir.resolve(name);
		Files.createDirectories(p.getParent());
		Files.writeString(p, text);
	}

	private static byte[] tar(Map<String, String> files) throws IOException {
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
			for (Map.Entry<String, String> f : List.copyOf(new java.util.TreeMap<>(files).entrySet())) {
				byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
				TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true);
				e.setSize(content.length);
				e.setMode(0100644);
				tar.putArchiveEntry(e);
				tar.write(content);
				tar.closeArchiveEntry();
			}
		}
		return bytes.toByteArray();
	}

}
