package io.berth.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code docker commit} end to end: a container's changes become a layer that new containers run from. */
class CommitIT extends BusyboxDaemonSupport {

	@Test
	void commitOfRunningContainerKeepsFilesLinksOwnersAndDeletions() throws Exception {
		String id = docker("run", "-d", "--name", "commit-run", "busybox", "sleep", "1000").assertOk().out().strip();
		docker("exec", "commit-run", "sh", "-c", "mkdir -p /data/sub && echo hello > /data/file"
				+ " && ln /data/file /data/hard && ln -s file /data/link && chown 1234:5678 /data/file"
				+ " && chmod 4750 /data/file && touch -d '2020-01-02 03:04:05' /data/file && echo x > /data/sub/y"
				+ " && rm /etc/group && rmdir /home").assertOk();
		Instant before = Instant.now();
		String image = docker("commit", "-m", "first commit", "-a", "Jane <jane@example.com>", "commit-run",
				"it-commit:1").assertOk().out().strip();
		assertThat(image).matches("sha256:[0-9a-f]{64}");
		assertThat(inspect("commit-run", "{{.State.Status}}")).isEqualTo("running");
		docker("exec", "commit-run", "true").assertOk();

		String out = docker("run", "--rm", "it-commit:1", "sh", "-c", "cat /data/file /data/sub/y;"
				+ " stat -c '%a %u %g %Y %h' /data/file; readlink /data/link;"
				+ " [ $(stat -c %i /data/file) = $(stat -c %i /data/hard) ] && echo same-inode;"
				+ " [ -e /etc/group ] || echo no-group; [ -e /home ] || echo no-home; [ -e /etc/passwd ] && echo passwd")
			.assertOk()
			.out();
		assertThat(out.lines().toList()).containsExactly("hello", "x", "4750 1234 5678 1577934245 2", "file",
				"same-inode", "no-group", "no-home", "passwd");

		assertThat(inspectImage("it-commit:1", "{{.Id}}")).isEqualTo(image);
		assertThat(inspectImage("it-commit:1", "{{.Author}}")).isEqualTo("Jane <jane@example.com>");
		assertThat(inspectImage("it-commit:1", "{{.Comment}}")).isEqualTo("first commit");
		assertThat(inspectImage("it-commit:1", "{{.Container}}")).isEqualTo(id);
		assertThat(inspectImage("it-commit:1", "{{json .Config.Cmd}}")).isEqualTo("[\"sleep\",\"1000\"]");
		assertThat(inspectImage("it-commit:1", "{{json .ContainerConfig.Cmd}}")).isEqualTo("[\"sleep\",\"1000\"]");
		String busyboxLayer = inspectImage("busybox", "{{index .RootFS.Layers 0}}");
		List<String> layers = List.of(inspectImage("it-commit:1", "{{join .RootFS.Layers \" \"}}").split(" "));
		assertThat(layers).hasSize(2).startsWith(busyboxLayer);

		// Whiteouts in Docker's form; the runtime's mount-point stubs for /etc/hosts and friends stay out.
		assertThat(layerNames(layers.get(1))).contains("data/", "data/file", "data/hard", "data/link", "data/sub/y",
				"etc/.wh.group", ".wh.home")
			.doesNotContain("etc/hosts", "etc/hostname", "etc/resolv.conf", "etc/group", "home/");

		List<String> history = docker("history", "--no-trunc", "--format", "{{.ID}}|{{.CreatedBy}}|{{.Comment}}",
				"it-commit:1").assertOk().out().lines().toList();
		assertThat(history).hasSize(2);
		assertThat(history.get(0)).isEqualTo(image + "|sleep 1000|first commit");

		String events = docker("events", "--since", stamp(before), "--until", stamp(Instant.now()), "--filter",
				"event=commit", "--format", "{{.Type}} {{.Action}} {{.Actor.ID}} {{index .Actor.Attributes \"imageID\"}}")
			.assertOk()
			.out();
		assertThat(events.strip()).isEqualTo("container commit " + id + " " + image);
		docker("rm", "-f", "commit-run").assertOk();
	}

	@Test
	void commitOnACommitReplacesADeletedDirectoryWithAnOpaqueOne() throws Exception {
		docker("run", "--name", "commit-base", "busybox", "sh", "-c", "mkdir /stack && echo old > /stack/old")
			.assertOk();
		docker("commit", "commit-base", "it-stack:1").assertOk();
		docker("run", "--name", "commit-top", "it-stack:1", "sh", "-c",
				"rm -rf /stack && mkdir /stack && echo new > /stack/new").assertOk();
		docker("commit", "commit-top", "it-stack:2").assertOk();
		assertThat(docker("run", "--rm", "it-stack:2", "ls", "/stack").assertOk().out().strip()).isEqualTo("new");
		assertThat(docker("run", "--rm", "it-stack:1", "ls", "/stack").assertOk().out().strip()).isEqualTo("old");
		List<String> layers = List.of(inspectImage("it-stack:2", "{{join .RootFS.Layers \" \"}}").split(" "));
		assertThat(layers).hasSize(3);
		assertThat(layerNames(layers.get(2))).contains("stack/", "stack/.wh..wh..opq", "stack/new");
		assertThat(docker("history", "-q", "it-stack:2").assertOk().out().lines()).hasSize(3);
		docker("rm", "commit-base", "commit-top").assertOk();
	}

	@Test
	void commitOfStoppedContainerWithChangesAppliesThem() {
		docker("run", "--name", "commit-stopped", "busybox", "sh", "-c", "echo kept > /kept").assertOk();
		docker("commit", "--change", "CMD [\"cat\", \"/kept\"]", "--change", "ENV GREETING=hi", "commit-stopped",
				"it-commit:changed").assertOk();
		assertThat(docker("run", "--rm", "it-commit:changed").assertOk().out().strip()).isEqualTo("kept");
		assertThat(docker("run", "--rm", "it-commit:changed", "sh", "-c", "echo $GREETING").assertOk().out().strip())
			.isEqualTo("hi");
		assertThat(inspectImage("it-commit:changed", "{{json .Config.Cmd}}")).isEqualTo("[\"cat\",\"/kept\"]");
		assertThat(inspectImage("it-commit:changed", "{{json .ContainerConfig.Cmd}}"))
			.isEqualTo("[\"sh\",\"-c\",\"echo kept > /kept\"]");
		DockerCli.Result bad = docker("commit", "--change", "RUN echo no", "commit-stopped");
		assertThat(bad.exitCode()).isNotZero();
		assertThat(bad.err()).contains("RUN");
		docker("rm", "commit-stopped").assertOk();
	}

	@Test
	void commitOfUnchangedContainerAddsNoLayerAndPausedStaysPaused() {
		docker("create", "--name", "commit-created", "busybox").assertOk();
		String untagged = docker("commit", "commit-created").assertOk().out().strip();
		assertThat(inspectImage(untagged, "{{len .RootFS.Layers}}")).isEqualTo("1");
		assertThat(docker("history", "-q", untagged).assertOk().out().lines()).hasSize(2);
		docker("rm", "commit-created").assertOk();

		docker("run", "-d", "--name", "commit-paused", "busybox", "sleep", "1000").assertOk();
		docker("pause", "commit-paused").assertOk();
		docker("commit", "commit-paused", "it-commit:paused").assertOk();
		assertThat(inspect("commit-paused", "{{.State.Status}}")).isEqualTo("paused");
		docker("unpause", "commit-paused").assertOk();
		docker("commit", "--pause=false", "commit-paused", "it-commit:unpaused").assertOk();
		assertThat(inspect("commit-paused", "{{.State.Status}}")).isEqualTo("running");
		docker("rm", "-f", "commit-paused").assertOk();
	}

	@Test
	void commitOfUnknownContainerIsNotFound() {
		DockerCli.Result r = docker("commit", "nosuch", "it-commit:none");
		assertThat(r.exitCode()).isNotZero();
		assertThat(r.err()).contains("No such container: nosuch");
		assertThat(docker("image", "inspect", "it-commit:none").exitCode()).isNotZero();
	}

	private String inspectImage(String image, String format) {
		return docker("image", "inspect", "--format", format, image).assertOk().out().strip();
	}

	/** The entry names of a stored layer tar, read from the daemon's blob store. */
	private List<String> layerNames(String diffId) throws IOException {
		Path tar = this.daemon.dataRoot().resolve("blobs/sha256/" + diffId.substring("sha256:".length()));
		List<String> names = new ArrayList<>();
		try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in)) {
			TarArchiveEntry e;
			while ((e = t.getNextEntry()) != null) {
				names.add(e.getName());
			}
		}
		return names;
	}

	private static String stamp(Instant t) {
		return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
	}

}
