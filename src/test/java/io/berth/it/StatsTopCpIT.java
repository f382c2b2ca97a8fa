package io.berth.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker stats}, {@code docker top} and {@code docker cp} driven by the real CLI against a real daemon, on
 * running and stopped containers, with hostile symlinks that must lead to the container's files, never the host's.
 */
class StatsTopCpIT extends DaemonSupport {

	/** What the hostile image keeps in its own /etc/shadow, so a read of it is told apart from the host's. */
	private static final String MARKER = "container-shadow-marker\n";

	/** The image's own /etc/passwd, which differs from the host's. */
	private static String imagePasswd;

	@TempDir
	Path temp;

	@Override
	protected void prepare() throws Exception {
		imagePasswd = tarEntries(BusyboxImage.rootfsTar()).get("etc/passwd");
		assertThat(imagePasswd).isNotEqualTo(Files.readString(Path.of("/etc/passwd")));
		BusyboxImage.importInto(daemon, "busybox:latest");
		daemon.dockerWithInput(hostileRootfs(), "import", "-c", "CMD [\"sh\"]", "-", "cpsym:latest").assertOk();
	}

	@Test
	void statsNoStreamShowsMemoryAndOnePid() {
		docker("run", "-d", "--name", "st-sleep", "busybox:latest", "sleep", "300").assertOk();
		long started = System.nanoTime();
		DockerCli.Result r = docker("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}} {{.PIDs}}",
				"st-sleep")
			.assertOk();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(10_000);
		assertThat(r.out().trim()).matches("st-sleep \\d+(\\.\\d+)?(B|KiB|MiB) / \\d+(\\.\\d+)?(MiB|GiB|TiB) 1");
		assertThat(r.out()).doesNotStartWith("st-sleep 0B");
		DockerCli.Result cpu = docker("stats", "--no-stream", "--format", "{{.CPUPerc}} {{.NetIO}} {{.BlockIO}}",
				"st-sleep")
			.assertOk();
		assertThat(cpu.out().trim()).matches("\\d+\\.\\d\\d% \\S+ / \\S+ \\S+ / \\S+");
		docker("rm", "-f", "st-sleep").assertOk();
	}

	@Test
	void statsStreamSendsAFramePerSecondAndEndsWhenTheContainerStops() throws Exception {
		docker("run", "-d", "--name", "st-stream", "busybox:latest", "sleep", "300").assertOk();
		Path output = this.temp.resolve("stats-stream.txt");
		Process p = new ProcessBuilder(DockerCli.DOCKER, "-H", "unix://" + daemon.socket(), "stats", "--format",
				"{{.Name}} {{.PIDs}}", "st-stream")
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		try (SocketChannel raw = SocketChannel.open(UnixDomainSocketAddress.of(daemon.socket()))) {
			raw.write(ByteBuffer.wrap(("GET /v1.41/containers/st-stream/stats HTTP/1.1\r\nHost: berth\r\n"
					+ "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
			CompletableFuture<byte[]> response = drain(Channels.newInputStream(raw));
			Thread.sleep(3500);
			docker("stop", "-t", "1", "st-stream").assertOk();
			// The server ends the chunked body once the container has stopped, so the read reaches its end.
			String text = new String(response.get(15, TimeUnit.SECONDS), StandardCharsets.UTF_8);
			assertThat(text).startsWith("HTTP/1.1 200").endsWith("0\r\n\r\n");
			assertThat(text.split("\"preread\"", -1).length - 1).isBetween(3, 8);
			assertThat(text).contains("\"preread\":\"0001-01-01T00:00:00Z\"");
		}
		finally {
			p.destroyForcibly();
			p.waitFor(10, TimeUnit.SECONDS);
		}
		// The CLI redraws its table on each frame; three seconds of frames show the line at least twice.
		String shown = Files.readString(output);
		assertThat(shown.split("st-stream 1", -1).length - 1).isGreaterThanOrEqualTo(2);
		docker("rm", "st-stream").assertOk();
	}

	@Test
	void statsOfAStoppedContainerAnswersWithZeros() {
		docker("create", "--name", "st-created", "busybox:latest", "true").assertOk();
		DockerCli.Result r = docker("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}", "st-created")
			.assertOk();
		assertThat(r.out().trim()).isEqualTo("st-created 0B / 0B");
		docker("rm", "st-created").assertOk();
	}

	@Test
	void topShowsTheSleepCommand() {
		docker("run", "-d", "--name", "top-sleep", "busybox:latest", "sleep", "300").assertOk();
		DockerCli.Result r = docker("top", "top-sleep").assertOk();
		List<String> lines = r.out().lines().toList();
		assertThat(lines.get(0)).matches("UID\\s+PID\\s+PPID\\s+C\\s+STIME\\s+TTY\\s+TIME\\s+CMD");
		assertThat(lines).hasSize(2);
		assertThat(lines.get(1)).matches("root\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\S+\\s+\\?\\s+\\d\\d:\\d\\d:\\d\\d\\s+sleep 300");
		DockerCli.Result aux = docker("top", "top-sleep", "aux").assertOk();
		assertThat(aux.out().lines().findFirst().orElseThrow()).startsWith("USER").contains("%CPU", "COMMAND");
		assertThat(aux.out()).contains("sleep 300");
		assertThat(docker("top", "top-sleep", "-o", "pid").err()).contains("ps_args not supported: -o pid");
		docker("rm", "-f", "top-sleep").assertOk();
		docker("create", "--name", "top-created", "busybox:latest", "true").assertOk();
		DockerCli.Result stopped = docker("top", "top-created");
		assertThat(stopped.exitCode()).isNotZero();
		assertThat(stopped.err()).contains("is not running");
		docker("rm", "top-created").assertOk();
	}

	@Test
	void cpFromARunningContainerToStdoutAndToAFile() throws Exception {
		String id = docker("run", "-d", "--name", "cp-run", "busybox:latest", "sleep", "300").assertOk().out().trim();
		Map<String, String> tar = tarEntries(rawDocker("cp", "cp-run:/etc/hostname", "-"));
		assertThat(tar).containsExactly(Map.entry("hostname", id.substring(0, 12) + "\n"));
		Path copy = this.temp.resolve("passwd-copy");
		docker("cp", "cp-run:/etc/passwd", copy.toString()).assertOk();
		assertThat(Files.readString(copy)).isEqualTo(imagePasswd);
		Path dir = this.temp.resolve("etc-copy");
		docker("cp", "cp-run:/etc", dir.toString()).assertOk();
		assertThat(dir.resolve("group")).exists();
		assertThat(Files.readString(dir.resolve("hostname"))).isEqualTo(id.substring(0, 12) + "\n");
		DockerCli.Result missing = docker("cp", "cp-run:/nonexistent", "-");
		assertThat(missing.exitCode()).isNotZero();
		assertThat(missing.err()).contains("Could not find the file /nonexistent in container cp-run");
		docker("rm", "-f", "cp-run").assertOk();
	}

	@Test
	void cpIntoARunningContainerIsSeenByItsProcesses() throws Exception {
		docker("run", "-d", "--name", "cp-reader", "busybox:latest", "sh", "-c",
				"while [ ! -f /tmp/in.txt ]; do sleep 0.2; done; cat /tmp/in.txt")
			.assertOk();
		Path in = Files.writeString(this.temp.resolve("in.txt"), "copied in while running\n");
		docker("cp", in.toString(), "cp-reader:/tmp/").assertOk();
		assertThat(docker("wait", "cp-reader").assertOk().out().trim()).isEqualTo("0");
		assertThat(docker("logs", "cp-reader").assertOk().out()).isEqualTo("copied in while running\n");
		Path back = this.temp.resolve("back.txt");
		docker("cp", "cp-reader:/tmp/in.txt", back.toString()).assertOk();
		assertThat(Files.readString(back)).isEqualTo("copied in while running\n");
		docker("rm", "cp-reader").assertOk();
	}

	@Test
	void cpToAndFromAStoppedContainerGoesThroughItsLayers() throws Exception {
		docker("create", "--name", "cp-late", "busybox:latest", "cat", "/tmp/late.txt", "/etc/passwd").assertOk();
		Path copy = this.temp.resolve("passwd-from-created");
		docker("cp", "cp-late:/etc/passwd", copy.toString()).assertOk();
		assertThat(Files.readString(copy)).isEqualTo(imagePasswd);
		Path late = Files.writeString(this.temp.resolve("late.txt"), "written while stopped\n");
		docker("cp", late.toString(), "cp-late:/tmp/").assertOk();
		Path newPasswd = Files.writeString(this.temp.resolve("passwd"), "replaced:x:0:0::/:/bin/sh\n");
		docker("cp", newPasswd.toString(), "cp-late:/etc/passwd").assertOk();
		DockerCli.Result r = docker("start", "-a", "cp-late").assertOk();
		assertThat(r.out()).isEqualTo("written while stopped\nreplaced:x:0:0::/:/bin/sh\n");
		// Exited now: read back through the layers again.
		assertThat(tarEntries(rawDocker("cp", "cp-late:/tmp/late.txt", "-")))
			.containsEntry("late.txt", "written while stopped\n");
		assertThat(docker("system", "df", "--format", "{{.Type}} {{.TotalCount}}").assertOk().out())
			.containsPattern("Containers [1-9]");
		assertThat(docker("system", "df", "-v").assertOk().out()).containsPattern("busybox:latest .*cp-late");
		docker("rm", "cp-late").assertOk();
	}

	@Test
	void cpWithArchiveFlagOwnsCopiesByTheContainersUser() throws Exception {
		docker("create", "--name", "cp-owner", "--user", "nobody", "busybox:latest", "true").assertOk();
		Path src = Files.writeString(this.temp.resolve("owned.txt"), "mine\n");
		docker("cp", "-a", src.toString(), "cp-owner:/tmp/").assertOk();
		docker("cp", src.toString(), "cp-owner:/tmp/plain.txt").assertOk();
		try (TarArchiveInputStream in = new TarArchiveInputStream(
				new ByteArrayInputStream(rawDocker("cp", "cp-owner:/tmp/", "-")))) {
			Map<String, Long> owners = new LinkedHashMap<>();
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				owners.put(e.getName(), e.getLongUserId());
			}
			assertThat(owners).containsEntry("tmp/owned.txt", 65534L).containsEntry("tmp/plain.txt", 0L);
		}
		docker("rm", "cp-owner").assertOk();
	}

	@Test
	void cpThroughSymlinksReadsTheContainersFilesNeverTheHosts() throws Exception {
		String hostPasswd = Files.readString(Path.of("/etc/passwd"));
		for (String mode : List.of("running", "created")) {
			String name = "cp-sym-" + mode;
			if (mode.equals("running")) {
				docker("run", "-d", "--name", name, "cpsym:latest", "sleep", "300").assertOk();
			}
			else {
				docker("create", "--name", name, "cpsym:latest", "true").assertOk();
			}
			Path followed = this.temp.resolve(mode + "-followed");
			docker("cp", "-L", name + ":/evil", followed.toString()).assertOk();
			assertThat(Files.readString(followed)).isEqualTo(MARKER);
			assertThat(tarEntries(rawDocker("cp", name + ":/etcdir/shadow", "-"))).containsEntry("shadow", MARKER);
			assertThat(tarEntries(rawDocker("cp", name + ":/rel/shadow", "-"))).containsEntry("shadow", MARKER);
			assertThat(tarEntries(rawDocker("cp", name + ":/etcdir/passwd", "-")).get("passwd"))
				.isEqualTo(imagePasswd)
				.isNotEqualTo(hostPasswd);
			// Writes through a link that climbs out land in the container's /etc too.
			String unique = "berth-cp-" + mode + "-" + System.nanoTime();
			Path src = Files.writeString(this.temp.resolve(unique), "inside\n");
			docker("cp", src.toString(), name + ":/rel/").assertOk();
			assertThat(Path.of("/etc", unique)).doesNotExist();
			assertThat(tarEntries(rawDocker("cp", name + ":/etc/" + unique, "-"))).containsEntry(unique, "inside\n");
			docker("rm", "-f", name).assertOk();
		}
	}

	@Test
	void cpThroughALinkTheContainerMadeAtRunTimeStaysInside() throws Exception {
		docker("run", "-d", "--name", "cp-sneaky", "busybox:latest", "sh", "-c",
				"ln -s /../../../../../etc /tmp/hostetc; ln -s /../../../../../etc/passwd /tmp/pw; sleep 300")
			.assertOk();
		// The links exist once the shell has run; -L makes the CLI copy what the link leads to, not the link.
		for (int i = 0; i < 50 && !docker("cp", "-L", "cp-sneaky:/tmp/pw", this.temp.resolve("probe").toString())
			.ok(); i++) {
			Thread.sleep(100);
		}
		assertThat(tarEntries(rawDocker("cp", "cp-sneaky:/tmp/hostetc/passwd", "-")))
			.containsEntry("passwd", imagePasswd);
		Path followed = this.temp.resolve("pw-followed");
		docker("cp", "-L", "cp-sneaky:/tmp/pw", followed.toString()).assertOk();
		assertThat(Files.readString(followed)).isEqualTo(imagePasswd);
		docker("rm", "-f", "cp-sneaky").assertOk();
	}

	/** busybox plus the links a hostile image would ship, and a marker in its own /etc/shadow. */
	private static byte[] hostileRootfs() throws IOException, InterruptedException {
		ByteArrayOutputStream buf = new ByteArrayOutputStream();
		try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(BusyboxImage.rootfsTar()));
				TarArchiveOutputStream out = new TarArchiveOutputStream(buf)) {
			out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				out.putArchiveEntry(e);
				in.transferTo(out);
				out.closeArchiveEntry();
			}
			byte[] marker = MARKER.getBytes(StandardCharsets.UTF_8);
			TarArchiveEntry shadow = new TarArchiveEntry("etc/shadow");
			shadow.setMode(0640);
			shadow.setSize(marker.length);
			out.putArchiveEntry(shadow);
			out.write(marker);
			out.closeArchiveEntry();
			symlink(out, "evil", "/../../../../etc/shadow");
			symlink(out, "etcdir", "/etc");
			symlink(out, "rel", "../../../../../../etc");
		}
		return buf.toByteArray();
	}

	private static void symlink(TarArchiveOutputStream out, String name, String target) throws IOException {
		TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
		link.setLinkName(target);
		out.putArchiveEntry(link);
		out.closeArchiveEntry();
	}

	/** The CLI's stdout as bytes: {@code docker cp C:path -} writes a tar there, which text decoding would mangle. */
	private byte[] rawDocker(String... args) throws IOException, InterruptedException {
		List<String> cmd = new ArrayList<>(List.of(DockerCli.DOCKER, "-H", "unix://" + daemon.socket()));
		cmd.addAll(List.of(args));
		Process p = new ProcessBuilder(cmd).start();
		p.getOutputStream().close();
		CompletableFuture<byte[]> out = drain(p.getInputStream());
		CompletableFuture<byte[]> err = drain(p.getErrorStream());
		if (!p.waitFor(60, TimeUnit.SECONDS)) {
			p.destroyForcibly();
			throw new AssertionError("docker " + String.join(" ", args) + " did not finish");
		}
		if (p.exitValue() != 0) {
			throw new AssertionError("docker " + String.join(" ", args) + " exited " + p.exitValue() + ": "
					+ new String(err.join(), StandardCharsets.UTF_8));
		}
		return out.join();
	}

	private static Map<String, String> tarEntries(byte[] tar) throws IOException {
		Map<String, String> out = new LinkedHashMap<>();
		try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
			TarArchiveEntry e;
			while ((e = in.getNextEntry()) != null) {
				out.put(e.getName(), e.isDirectory() ? "dir" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
			}
		}
		return out;
	}

	private static CompletableFuture<byte[]> drain(InputStream in) {
		return CompletableFuture.supplyAsync(() -> {
			try (in) {
				return in.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

}
