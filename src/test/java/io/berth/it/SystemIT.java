package io.berth.it;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code docker info}, {@code docker system df} and the {@code docker inspect} probe chain. */
class SystemIT extends DaemonSupport {

	@Test
	void infoPrintsTheEngineWithoutErrors() {
		DockerCli.Result r = docker("info").assertOk();
		String cgroup = Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers")) ? "2" : "1";
		assertThat(r.out()).contains("Storage Driver: overlay2", "Cgroup Version: " + cgroup,
				"Cgroup Driver: cgroupfs", "Logging Driver: json-file", "Docker Root Dir: " + daemon.dataRoot(),
				"Default Runtime: berth-runtime", "Swarm: inactive");
		assertThat(r.out()).contains("seccomp").contains("Profile: default");
		assertThat(r.err()).doesNotContain("ERROR", "error");
	}

	@Test
	void infoFieldsThatClientsReadHaveTheirTypes() {
		String format = "{{.OSType}}|{{.Architecture}}|{{.Swarm.ControlAvailable}}|{{.Swarm.LocalNodeState}}|"
				+ "{{.IndexServerAddress}}|{{.NCPU}}";
		String out = docker("info", "--format", format).assertOk().out();
		assertThat(out).matches("linux\\|x86_64\\|false\\|inactive\\|https://index.docker.io/v1/\\|[1-9]\\d*\n");
		String id = docker("info", "--format", "{{.ID}}").assertOk().out();
		assertThat(id.trim()).isNotEmpty();
	}

	@Test
	void infoCountsImportedImages() throws Exception {
		assertThat(docker("info", "--format", "{{.Images}}").assertOk().out()).isEqualTo("0\n");
		BusyboxImage.importInto(this.daemon, "busybox:latest");
		assertThat(docker("info", "--format", "{{.Images}}").assertOk().out()).isEqualTo("1\n");
	}

	@Test
	void systemDfListsVolumesWithTheirSize() throws Exception {
		docker("volume", "create", "df-vol").assertOk();
		Files.write(daemon.dataRoot().resolve("volumes/df-vol/_data/f"), new byte[2000]);
		try {
			assertThat(docker("system", "df").assertOk().out()).contains("Images", "Containers", "Local Volumes",
					"Build Cache");
			String verbose = docker("system", "df", "-v").assertOk().out();
			assertThat(verbose).containsPattern("df-vol\\s+0\\s+2kB");
		}
		finally {
			docker("volume", "rm", "df-vol");
		}
	}

	@Test
	void inspectOfNothingKnownSaysNoSuchObject() {
		DockerCli.Result r = docker("inspect", "nosuchthing");
		assertThat(r.exitCode()).isEqualTo(1);
		assertThat(r.err()).contains("No such object: nosuchthing");
	}

}
