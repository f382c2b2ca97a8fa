package io.berth.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateVolumeResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Image;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The daemon driven by a Java client, docker-java with its Apache HttpClient 5 transport on the unix socket at API
 * 1.41, as a Java application would use it: its own request encoding, stream framing and error mapping.
 */
class DockerJavaIT extends DaemonSupport {

	private DockerClient client;

	@Override
	protected void prepare() throws Exception {
		BusyboxImage.importInto(this.daemon, "busybox:latest");
		Path config = Files.createDirectories(this.daemon.root().resolve("docker-java-config"));
		DockerClientConfig cfg = DefaultDockerClientConfig.createDefaultConfigBuilder()
			.withDockerHost("unix://" + this.daemon.socket())
			.withApiVersion("1.41")
			.withDockerTlsVerify(false)
			.withDockerConfig(config.toString())
			.build();
		ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(cfg.getDockerHost())
			.connectionTimeout(Duration.ofSeconds(10))
			.responseTimeout(Duration.ofSeconds(60))
			.build();
		this.client = DockerClientImpl.getInstance(cfg, http);
	}

	@AfterAll
	void closeClient() throws Exception {
		if (this.client != null) {
			this.client.close();
		}
	}

	@Test
	void pingVersionAndInfoDescribeTheEngine() {
		this.client.pingCmd().exec();
		Version version = this.client.versionCmd().exec();
		assertThat(version.getApiVersion()).isEqualTo("1.41");
		assertThat(version.getOperatingSystem()).isEqualTo("linux");
		assertThat(version.getArch()).isEqualTo("amd64");
		assertThat(version.getVersion()).isNotBlank();
		Info info = this.client.infoCmd().exec();
		assertThat(info.getDriver()).isEqualTo("overlay2");
		assertThat(info.getDockerRootDir()).isEqualTo(this.daemon.dataRoot().toString());
		assertThat(info.getOsType()).isEqualTo("linux");
		assertThat(info.getImages()).isPositive().isEqualTo(this.client.listImagesCmd().exec().size());
		assertThat(info.getNCPU()).isPositive();
	}

	@Test
	void listImagesShowsTheImportedBusybox() {
		List<Image> images = this.client.listImagesCmd().exec();
		assertThat(images).anySatisfy((i) -> {
			assertThat(i.getRepoTags()).contains("busybox:latest");
			assertThat(i.getId()).matches("sha256:[0-9a-f]{64}");
			assertThat(i.getSize()).isPositive();
		});
	}

	@Test
	void createStartWaitLogsAndInspectARunToCompletion() throws Exception {
		String id = this.client.createContainerCmd("busybox")
			.withName("dj-run")
			.withCmd("sh", "-c", "echo out; echo err >&2; echo more; exit 3")
			.withEnv("GREETING=hello")
			.withLabels(Map.of("suite", "docker-java"))
			.exec()
			.getId();
		assertThat(id).matches("[0-9a-f]{64}");
		this.client.startContainerCmd(id).exec();
		int code = this.client.waitContainerCmd(id)
			.exec(new com.github.dockerjava.api.command.WaitContainerResultCallback())
			.awaitStatusCode(30, TimeUnit.SECONDS);
		assertThat(code).isEqualTo(3);

		List<Frame> frames = Collections.synchronizedList(new ArrayList<>());
		this.client.logContainerCmd(id)
			.withStdOut(true)
			.withStdErr(true)
			.exec(new ResultCallback.Adapter<Frame>() {
				@Override
				public void onNext(Frame frame) {
					frames.add(frame);
				}
			})
			.awaitCompletion(30, TimeUnit.SECONDS);
		assertThat(text(frames, StreamType.STDOUT)).isEqualTo("out\nmore\n");
		assertThat(text(frames, StreamType.STDERR)).isEqualTo("err\n");

		InspectContainerResponse inspect = this.client.inspectContainerCmd("dj-run").exec();
		assertThat(inspect.getId()).isEqualTo(id);
		assertThat(inspect.getName()).isEqualTo("/dj-run");
		assertThat(inspect.getState().getStatus()).isEqualTo("exited");
		assertThat(inspect.getState().getExitCodeLong()).isEqualTo(3L);
		assertThat(inspect.getState().getRunning()).isFalse();
		assertThat(inspect.getConfig().getEnv()).contains("GREETING=hello");
		assertThat(inspect.getConfig().getLabels()).containsEntry("suite", "docker-java");
		assertThat(inspect.getPath()).isEqualTo("sh");

		assertThatExceptionOfType(ConflictException.class)
			.isThrownBy(() -> this.client.createContainerCmd("busybox").withName("dj-run").withCmd("true").exec())
			.withMessageContaining("Status 409")
			.withMessageContaining("is already in use by container")
			.withMessageContaining(id);
		this.client.removeContainerCmd(id).exec();
		assertThat(this.client.listContainersCmd().withShowAll(true).withNameFilter(List.of("dj-run")).exec())
			.isEmpty();
	}

	@Test
	void execRunsInARunningContainerAndReportsItsOutputAndExitCode() throws Exception {
		String id = this.client.createContainerCmd("busybox")
			.withName("dj-exec")
			.withCmd("sleep", "300")
			.withLabels(Map.of("suite", "docker-java-exec"))
			.exec()
			.getId();
		this.client.startContainerCmd(id).exec();
		String exec = this.client.execCreateCmd(id)
			.withCmd("sh", "-c", "echo from exec; hostname; echo oops >&2; exit 2")
			.withAttachStdout(true)
			.withAttachStderr(true)
			.exec()
			.getId();
		List<Frame> frames = Collections.synchronizedList(new ArrayList<>());
		this.client.execStartCmd(exec).exec(new ResultCallback.Adapter<Frame>() {
			@Override
			public void onNext(Frame frame) {
				frames.add(frame);
			}
		}).awaitCompletion(30, TimeUnit.SECONDS);
		assertThat(text(frames, StreamType.STDOUT)).isEqualTo("from exec\n" + id.substring(0, 12) + "\n");
		assertThat(text(frames, StreamType.STDERR)).isEqualTo("oops\n");
		InspectExecResponse done = this.client.inspectExecCmd(exec).exec();
		assertThat(done.isRunning()).isFalse();
		assertThat(done.getExitCodeLong()).isEqualTo(2L);

		List<Container> labelled = this.client.listContainersCmd()
			.withLabelFilter(Map.of("suite", "docker-java-exec"))
			.exec();
		assertThat(labelled).extracting(Container::getId).containsExactly(id);
		assertThat(labelled.get(0).getNames()).containsExactly("/dj-exec");
		assertThat(labelled.get(0).getState()).isEqualTo("running");
		assertThat(this.client.listContainersCmd().withLabelFilter(Map.of("suite", "other")).exec()).isEmpty();

		this.client.stopContainerCmd(id).withTimeout(1).exec();
		assertThat(this.client.inspectContainerCmd(id).exec().getState().getStatus()).isEqualTo("exited");
		assertThatExceptionOfType(NotModifiedException.class)
			.isThrownBy(() -> this.client.stopContainerCmd(id).withTimeout(1).exec());
		this.client.removeContainerCmd(id).exec();
		assertThat(this.client.listContainersCmd().withShowAll(true).withLabelFilter(Map.of("suite",
				"docker-java-exec")).exec()).isEmpty();
	}

	@Test
	void volumesAreCreatedListedAndRemoved() {
		CreateVolumeResponse created = this.client.createVolumeCmd()
			.withName("dj-vol")
			.withLabels(Map.of("owner", "docker-java"))
			.exec();
		assertThat(created.getName()).isEqualTo("dj-vol");
		assertThat(created.getDriver()).isEqualTo("local");
		assertThat(created.getMountpoint())
			.isEqualTo(this.daemon.dataRoot().resolve("volumes/dj-vol/_data").toString());
		List<InspectVolumeResponse> volumes = this.client.listVolumesCmd().exec().getVolumes();
		assertThat(volumes).anySatisfy((v) -> {
			assertThat(v.getName()).isEqualTo("dj-vol");
			assertThat(v.getLabels()).containsEntry("owner", "docker-java");
		});
		this.client.removeVolumeCmd("dj-vol").exec();
		assertThat(this.client.listVolumesCmd().exec().getVolumes()).noneMatch((v) -> v.getName().equals("dj-vol"));
		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> this.client.inspectVolumeCmd("dj-vol").exec());
	}

	@Test
	void unknownContainerIsANotFoundExceptionWithTheDaemonsMessage() {
		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> this.client.inspectContainerCmd("nosuchcontainer").exec())
			.withMessageContaining("No such container: nosuchcontainer");
		assertThatExceptionOfType(NotFoundException.class)
			.isThrownBy(() -> this.client.createContainerCmd("nosuchimage:1").withCmd("true").exec())
			.withMessageContaining("No such image: nosuchimage:1");
	}

	private static String text(List<Frame> frames, StreamType type) {
		StringBuilder out = new StringBuilder();
		synchronized (frames) {
			for (Frame f : frames) {
				if (f.getStreamType() == type) {
					out.append(new String(f.getPayload(), StandardCharsets.UTF_8));
				}
			}
		}
		return out.toString();
	}

}
