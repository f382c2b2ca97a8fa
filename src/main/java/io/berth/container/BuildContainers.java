package io.berth.container;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.berth.container.archive.TarStreamer;
import io.berth.error.SystemException;
import io.berth.image.LayerWriter;
import io.berth.runtime.MonitorClient;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * What a build's RUN steps need of containers: each runs in an ordinary container, made, started and watched
 * through the same path as {@code docker run}, whose writable layer then becomes the step's layer.
 */
@Service
public class BuildContainers {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final MonitorClient monitors;

	BuildContainers(ContainerService containers, ContainerLifecycle lifecycle, MonitorClient monitors) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.monitors = monitors;
	}

	/**
	 * A RUN: the command with the step's environment, user and working directory, on {@code networkMode}.
	 *
	 * @param imageId the image the step starts from
	 * @param cmd the whole command, the shell included for the shell form; the image's entrypoint is not used
	 * @param env {@code K=V} entries
	 * @param user the user, or empty
	 * @param workingDir the working directory, or empty
	 * @param networkMode {@code bridge} (the default), {@code none}, {@code host} or a network's name
	 */
	public record Run(String imageId, List<String> cmd, List<String> env, String user, String workingDir,
			String networkMode) {
	}

	/** Makes the step's container; it is not started. */
	public String create(Run run) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("Image", run.imageId());
		body.put("Cmd", run.cmd());
		body.put("Entrypoint", List.of());
		body.put("Env", run.env());
		body.put("User", run.user());
		body.put("WorkingDir", run.workingDir());
		body.put("HostConfig", Map.of("NetworkMode", run.networkMode()));
		return this.containers.createFromDocker(null, JSON.writeValueAsString(body));
	}

	/**
	 * Starts the container with its output going to {@code output} as it comes, and waits for its exit.
	 * @return the exit code
	 */
	public int runAttached(String containerId, OutputStream output) {
		Container c = this.containers.get(containerId);
		ContainerLifecycle.PendingAttach pending = this.lifecycle.attachWhenStarted(c);
		CompletableFuture<Void> started = CompletableFuture.runAsync(() -> this.lifecycle.start(containerId));
		try {
			// A start that fails never hands out the socket; its failure must end the wait instead.
			CompletableFuture.anyOf(pending.ready(), started).get();
			if (started.isCompletedExceptionally()) {
				started.get();
			}
			Path socket = pending.ready().get();
			try (SocketChannel ch = this.monitors.attach(socket, false, true, true)) {
				pending.connected().complete(null);
				started.get();
				pump(ch, output);
			}
			return this.lifecycle.waitFor(containerId, "not-running").get().statusCode();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SystemException("interrupted while the step ran", ex);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException r) ? r
					: new SystemException("the step's container failed: " + ex.getCause(), ex.getCause());
		}
		catch (IOException ex) {
			throw new SystemException("cannot attach to the step's container: " + ex.getMessage(), ex);
		}
	}

	/** Copies the monitor's frames (8-byte header, then the payload) to the output without their headers. */
	private static void pump(SocketChannel ch, OutputStream output) throws IOException {
		ByteBuffer header = ByteBuffer.allocate(8);
		ByteBuffer payload = ByteBuffer.allocate(64 * 1024);
		while (true) {
			header.clear();
			while (header.hasRemaining()) {
				if (ch.read(header) < 0) {
					return;
				}
			}
			int left = header.getInt(4);
			while (left > 0) {
				payload.clear().limit(Math.min(left, payload.capacity()));
				int n = ch.read(payload);
				if (n < 0) {
					return;
				}
				output.write(payload.array(), 0, n);
				left -= n;
			}
			output.flush();
		}
	}

	/** The container's changes as a layer tar, for the step's image. */
	public LayerWriter diff(String containerId) {
		Container c = this.containers.get(containerId);
		Path upper = this.lifecycle.upperDir(c);
		return (out) -> TarStreamer.writeLayer(upper, out, ContainerCommitter.runtimeStubs(upper));
	}

	/**
	 * A {@code --chown} spec ({@code name}, {@code uid}, {@code name:group}, ...) as numeric ids, read from the
	 * image's /etc/passwd and /etc/group as {@code --user} is.
	 * @param imageLayers the image's layer directories, lowest first
	 * @return the uid and the gid
	 */
	public int[] ids(String spec, List<Path> imageLayers) {
		List<Path> topFirst = new ArrayList<>(imageLayers);
		Collections.reverse(topFirst);
		UserResolver.User user = UserResolver.resolve(spec, topFirst);
		return new int[] { user.uid(), user.gid() };
	}

	/** Kills the step's container if it still runs, as a cancelled build does. */
	public void kill(String containerId) {
		try {
			this.lifecycle.kill(containerId, "KILL");
		}
		catch (RuntimeException ex) {
			// Already gone or exited.
		}
	}

	/** Removes the step's container with its anonymous volumes, whatever state it is in. */
	public void remove(String containerId) {
		this.lifecycle.remove(containerId, true, true, false);
	}

}
