package io.berth.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.berth.it.registry.RegistryServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An image Berth builds is an ordinary image: pushed to a registry on 127.0.0.1, Debian's dockerd pulls it and runs
 * it unchanged. The dockerd runs on roots and a socket of this test's own, with no bridge and no iptables rules.
 */
class BuildCompatibilityIT extends BusyboxDaemonSupport {

	@TempDir
	static Path temp;

	private RegistryServer registry;

	private Process dockerd;

	private Path dockerdSocket;

	@BeforeAll
	void startRegistryAndDockerd() throws Exception {
		this.registry = RegistryServer.start();
		Path root = Files.createDirectories(temp.resolve("dockerd"));
		this.dockerdSocket = root.resolve("docker.sock");
		this.dockerd = new ProcessBuilder("dockerd", "--data-root", root.resolve("data").toString(), "--exec-root",
				root.resolve("exec").toString(), "-H", "unix://" + this.dockerdSocket, "--pidfile",
				root.resolve("dockerd.pid").toString(), "--bridge=none", "--iptables=false", "--ip6tables=false",
				"--ip-masq=false")
			.redirectErrorStream(true)
			.redirectOutput(root.resolve("dockerd.log").toFile())
			.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!DockerCli.run(this.dockerdSocket, null, "version").ok()) {
			assertThat(this.dockerd.isAlive()).as(Files.readString(root.resolve("dockerd.log"))).isTrue();
			assertThat(System.nanoTime()).as("dockerd answers within 60 s").isLessThan(deadline);
			Thread.sleep(200);
		}
	}

	@AfterAll
	void stopRegistryAndDockerd() throws Exception {
		if (this.dockerd != null) {
			this.dockerd.destroy();
			if (!this.dockerd.waitFor(30, TimeUnit.SECONDS)) {
				this.dockerd.destroyForcibly().waitFor();
			}
		}
		if (this.registry != null) {
			this.registry.close();
		}
	}

	@Test
	void aBuiltImageRunsUnderDockerd() throws Exception {
		Path ctx = Files.createDirectories(temp.resolve("ctx"));
		Files.writeString(ctx.resolve("Dockerfile"), """
				FROM busybox
				WORKDIR /srv
				COPY hello.txt .
				RUN echo "built by berth" >> hello.txt
				ENV WHO=dockerd
				CMD ["sh", "-c", "cat /srv/hello.txt; echo \\"run by $WHO in $(pwd)\\""]
				""");
		Files.writeString(ctx.resolve("hello.txt"), "hello\n");
		String ref = this.registry.host() + "/compat/built:1";
		docker("build", "-t", ref, ctx.toString()).assertOk();
		docker("push", ref).assertOk();

		DockerCli.Result pull = DockerCli.run(this.dockerdSocket, null, "pull", ref);
		assertThat(pull.exitCode()).as(pull.out() + pull.err()).isZero();
		assertThat(inspectOn(this.dockerdSocket, ref, "{{.Id}}")).isEqualTo(inspect(ref, "{{.Id}}"));
		assertThat(inspectOn(this.dockerdSocket, ref, "{{json .RootFS.Layers}}"))
			.isEqualTo(inspect(ref, "{{json .RootFS.Layers}}"));
		DockerCli.Result run = DockerCli.run(this.dockerdSocket, null, "run", "--rm", "--network", "none", ref);
		assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
		assertThat(run.out()).isEqualTo("hello\nbuilt by berth\nrun by dockerd in /srv\n");
		List<String> history = DockerCli.run(this.dockerdSocket, null, "history", "-q", "--no-trunc", ref)
			.assertOk()
			.out()
			.lines()
			.toList();
		assertThat(history).isNotEmpty();
	}

	private static String inspectOn(Path socket, String ref, String format) throws IOException {
		return DockerCli.run(socket, null, "inspect", "-f", format, ref).assertOk().out().strip();
	}

}
