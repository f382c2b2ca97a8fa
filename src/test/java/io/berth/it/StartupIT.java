package io.berth.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the daemon refuses to start where it cannot work (without root, on a socket another daemon serves), and the
 * access rights of the socket it listens on. The refusals are read as an operator reads them: one sentence, no stack
 * trace.
 */
class StartupIT extends BusyboxDaemonSupport {

	private static final Path JAR = Path.of("target/berth.jar").toAbsolutePath();

	@TempDir
	Path temp;

	@Test
	void startingWithoutRootFailsWithOneSentence() throws Exception {
		// Everything the unprivileged JVM needs, in a directory it may enter: the jar, and roots it could create.
		Files.setPosixFilePermissions(this.temp, PosixFilePermissions.fromString("rwxr-xr-x"));
		Path jar = Files.copy(JAR, this.temp.resolve("berth.jar"));
		Path roots = Files.createDirectory(this.temp.resolve("roots"));
		Files.setPosixFilePermissions(roots, PosixFilePermissions.fromString("rwxrwxrwx"));
		List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
		cmd.addAll(daemonCommand(jar, roots.resolve("data"), roots.resolve("exec"), roots.resolve("exec/berth.sock")));
		Run run = run(cmd, roots.toFile());
		assertThat(run.exitCode()).as(run.output()).isNotZero();
		assertThat(run.output().strip().lines().toList()).as(run.output()).hasSize(1);
		assertThat(run.output().strip()).isEqualTo(
				"Berth must run as root: it creates namespaces, cgroups and mounts (running as nobody).");
		assertThat(roots.resolve("data")).doesNotExist();
		assertThat(roots.resolve("exec")).doesNotExist();
	}

	@Test
	void aSecondDaemonOnTheSameSocketRefusesToStartAndTheFirstKeepsWorking() throws Exception {
		docker("volume", "create", "before-second").assertOk();
		// Exactly what started the first daemon, as a second "make run" would do.
		Path root = this.daemon.root();
		Run run = run(daemonCommand(JAR, root.resolve("data"), root.resolve("exec"), this.daemon.socket()),
				new File(System.getProperty("user.dir")));
		assertThat(run.exitCode()).as(run.output()).isNotZero();
		List<String> lines = run.output().strip().lines().toList();
		assertThat(lines.get(lines.size() - 1)).as(run.output())
			.isEqualTo("Another daemon is already listening on " + this.daemon.socket() + ".");
		assertThat(run.output()).doesNotContain("\tat ", "Exception", "ERROR");

		assertThat(this.daemon.socket()).exists();
		assertThat(docker("version", "--format", "{{.Server.APIVersion}}").assertOk().out()).isEqualTo("1.41\n");
		assertThat(docker("volume", "ls", "-q").assertOk().out()).contains("before-second");
		assertThat(docker("run", "--rm", "busybox", "echo", "still serving").assertOk().out())
			.isEqualTo("still serving\n");
		assertThat(this.daemon.docker("exec", "nosuch", "true").err()).contains("No such container: nosuch");
		docker("volume", "rm", "before-second").assertOk();
	}

	@Test
	void apiSocketIsReadAndWrittenByRootAndItsGroupOnly() throws Exception {
		PosixFileAttributes attributes = Files.readAttributes(this.daemon.socket(), PosixFileAttributes.class);
		assertThat(attributes.isOther()).isTrue();
		assertThat(PosixFilePermissions.toString(attributes.permissions())).isEqualTo("rw-rw----");
		assertThat(attributes.owner().getName()).isEqualTo("root");
		assertThat(attributes.group().getName()).isEqualTo("root");
		Run stat = run(List.of("stat", "-c", "%a %U %G %F", this.daemon.socket().toString()), this.temp.toFile());
		assertThat(stat.output()).isEqualTo("660 root root socket\n");
		// Tomcat's own socket, behind the front, sits in a directory only root may enter.
		Path internal = this.daemon.root().resolve("exec/api-internal");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(internal))).isEqualTo("rwx------");
	}

	private static List<String> daemonCommand(Path jar, Path dataRoot, Path execRoot, Path socket) {
		return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
				"--berth.data-root=" + dataRoot, "--berth.exec-root=" + execRoot, "--berth.api.socket=" + socket,
				"--server.port=0");
	}

	private record Run(int exitCode, String output) {
	}

	/** Runs a command to its end (bounded), with stdout and stderr together as a terminal would show them. */
	private Run run(List<String> cmd, File dir) throws IOException, InterruptedException {
		Path out = Files.createTempFile(this.temp, "out-", ".txt");
		Process p = new ProcessBuilder(cmd).directory(dir)
			.redirectErrorStream(true)
			.redirectOutput(out.toFile())
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
			.start();
		try {
			if (!p.waitFor(90, TimeUnit.SECONDS)) {
				throw new AssertionError(cmd + " did not finish within 90 s:\n" + Files.readString(out));
			}
		}
		finally {
			p.destroyForcibly();
			p.waitFor(10, TimeUnit.SECONDS);
		}
		return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
	}

}
