package io.berth.it;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Volumes with the local driver, driven by the real docker CLI against a real daemon. */
class VolumesIT extends DaemonSupport {

	@Test
	void createInspectListAndRemove() {
		assertThat(docker("volume", "create", "--label", "tier=db", "vol-a").assertOk().out()).isEqualTo("vol-a\n");
		Path data = daemon.dataRoot().resolve("volumes/vol-a/_data");
		assertThat(data).isDirectory();
		String inspect = docker("volume", "inspect", "--format",
				"{{.Name}} {{.Driver}} {{.Mountpoint}} {{.Scope}} {{index .Labels \"tier\"}}", "vol-a")
			.assertOk()
			.out();
		assertThat(inspect).isEqualTo("vol-a local " + data + " local db\n");
		assertThat(docker("volume", "inspect", "--format", "{{.CreatedAt}}", "vol-a").assertOk().out())
			.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\n");
		assertThat(docker("volume", "ls", "--format", "{{.Driver}} {{.Name}}").assertOk().out())
			.contains("local vol-a\n");
		docker("volume", "rm", "vol-a").assertOk();
		assertThat(data.getParent()).doesNotExist();
		assertThat(docker("volume", "ls", "-q").assertOk().out()).doesNotContain("vol-a");
	}

	@Test
	void createWithoutNameGeneratesA64HexName() {
		String name = docker("volume", "create").assertOk().out().trim();
		assertThat(name).matches("[0-9a-f]{64}");
		docker("volume", "rm", name).assertOk();
	}

	@Test
	void createWhenNameExistsReturnsTheExistingVolume() throws Exception {
		docker("volume", "create", "vol-twice").assertOk();
		Files.writeString(daemon.dataRoot().resolve("volumes/vol-twice/_data/keep"), "x");
		assertThat(docker("volume", "create", "vol-twice").assertOk().out()).isEqualTo("vol-twice\n");
		assertThat(daemon.dataRoot().resolve("volumes/vol-twice/_data/keep")).exists();
		docker("volume", "rm", "vol-twice").assertOk();
	}

	@Test
	void lsFiltersByNameLabelAndDangling() {
		docker("volume", "create", "--label", "env=prod", "filt-prod").assertOk();
		docker("volume", "create", "--label", "env=dev", "filt-dev").assertOk();
		try {
			assertThat(docker("volume", "ls", "-q", "--filter", "name=filt-p").assertOk().out())
				.isEqualTo("filt-prod\n");
			assertThat(docker("volume", "ls", "-q", "--filter", "label=env=dev").assertOk().out())
				.isEqualTo("filt-dev\n");
			assertThat(docker("volume", "ls", "-q", "--filter", "label=env").assertOk().out())
				.contains("filt-prod", "filt-dev");
			assertThat(docker("volume", "ls", "-q", "--filter", "dangling=true").assertOk().out())
				.contains("filt-prod", "filt-dev");
			DockerCli.Result bad = docker("volume", "ls", "--filter", "bogus=1");
			assertThat(bad.exitCode()).isNotZero();
			assertThat(bad.err()).contains("invalid filter 'bogus'");
		}
		finally {
			docker("volume", "rm", "filt-prod", "filt-dev");
		}
	}

	@Test
	void inspectUnknownFailsWithNoSuchVolume() {
		DockerCli.Result r = docker("volume", "inspect", "nosuchvol");
		assertThat(r.exitCode()).isEqualTo(1);
		assertThat(r.err()).contains("get nosuchvol: no such volume");
	}

	@Test
	void createWithInvalidNameIsRefused() {
		DockerCli.Result r = docker("volume", "create", "bad/name");
		assertThat(r.exitCode()).isNotZero();
		assertThat(r.err()).contains("\"bad/name\" includes invalid characters for a local volume name");
		assertThat(docker("volume", "create", "-d", "nfs", "vol-nfs").err()).contains("plugin \"nfs\" not found");
		assertThat(docker("volume", "create", "-o", "bogus=1", "vol-opt").err()).contains("invalid option: \"bogus\"");
	}

	@Test
	void rmUnknownFailsUnlessForced() {
		DockerCli.Result r = docker("volume", "rm", "nosuchvol");
		assertThat(r.exitCode()).isNotZero();
		assertThat(r.err()).contains("no such volume");
		docker("volume", "rm", "-f", "nosuchvol").assertOk();
	}

	@Test
	void pruneRemovesUnusedVolumesMatchingTheLabelFilterAndReportsTheSpace() throws Exception {
		docker("volume", "create", "--label", "prune=yes", "prune-a").assertOk();
		docker("volume", "create", "--label", "prune=no", "prune-b").assertOk();
		Files.write(daemon.dataRoot().resolve("volumes/prune-a/_data/blob"), new byte[4096]);
		DockerCli.Result r = docker("volume", "prune", "-f", "--filter", "label=prune=yes").assertOk();
		assertThat(r.out()).contains("prune-a").doesNotContain("prune-b").contains("Total reclaimed space: 4.096kB");
		assertThat(docker("volume", "ls", "-q").assertOk().out()).contains("prune-b").doesNotContain("prune-a");
		assertThat(docker("volume", "prune", "-f").assertOk().out()).contains("prune-b");
		assertThat(docker("volume", "ls", "-q").assertOk().out()).doesNotContain("prune-b");
	}

}
