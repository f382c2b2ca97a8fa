package io.berth.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.berth.error.ConflictException;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotFoundException;
import io.berth.paths.EnginePaths;
import io.berth.runtime.ExecMonitorSpec;
import io.berth.runtime.ExitRecord;
import io.berth.runtime.MonitorClient;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

/**
 * {@code docker exec}: each process runs under its own berth-monitor in exec mode, which joins the container through
 * the runtime's {@code exec} and records the exit as for a container.
 */
@Service
public class ExecService {

	private static final SecureRandom RANDOM = new SecureRandom();

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final MonitorClient monitors;

	private final EnginePaths paths;

	private final Map<String, ExecInstance> execs = new ConcurrentHashMap<>();

	private final JsonMapper json = JsonMapper.builder().build();

	ExecService(ContainerService containers, ContainerLifecycle lifecycle, MonitorClient monitors,
			EnginePaths paths) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.monitors = monitors;
		this.paths = paths;
	}

	public ExecInstance create(String containerRef, List<String> cmd, List<String> env, String user,
			String workingDir, boolean tty, boolean attachStdin, boolean attachStdout, boolean attachStderr,
			boolean privileged) {
		Container c = this.containers.get(containerRef);
		if (c.getState() != ContainerState.RUNNING) {
			throw new ConflictException("Container " + c.getId() + " is not running");
		}
		if (cmd == null || cmd.isEmpty()) {
			throw new InvalidParameterException("No exec command specified");
		}
		byte[] b = new byte[32];
		RANDOM.nextBytes(b);
		ExecInstance e = new ExecInstance(HexFormat.of().formatHex(b), c.getId(), cmd, env, user, workingDir, tty,
				attachStdin, attachStdout, attachStderr, privileged);
		this.execs.put(e.id(), e);
		this.containers.events().publish(c, "exec_create: " + String.join(" ", cmd));
		return e;
	}

	public ExecInstance get(String id) {
		ExecInstance e = this.execs.get(id);
		if (e == null) {
			throw new NotFoundException("No such exec instance: " + id);
		}
		return e;
	}

	/**
	 * Launches the exec's monitor. Attached starts leave the process waiting for {@link #run}, so the caller can
	 * connect its streams first; detached ones start at once.
	 */
	public void launch(ExecInstance e, boolean detach) {
		Container c = this.containers.get(e.containerId());
		if (c.getState() != ContainerState.RUNNING) {
			throw new ConflictException("Container " + c.getId() + " is not running");
		}
		if (e.socket() != null) {
			throw new ConflictException("Error: Exec command " + e.id() + " has already run");
		}
		Path dir = this.paths.containers().resolve(c.getId()).resolve("exec").resolve(e.id());
		Path processFile = dir.resolve("process.json");
		Path exitFile = dir.resolve("exit.json");
		Path socket = this.monitors.execSocketOf(e.id());
		try {
			Files.createDirectories(dir);
			Files.writeString(processFile, this.json.writeValueAsString(process(c, e)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.monitors.launchExec(new ExecMonitorSpec(c.getId(), processFile, exitFile, dir.resolve("pid"), socket,
				e.tty(), e.attachStdin(), e.attachStdin(), detach));
		e.started(socket);
		this.containers.events().publish(c, "exec_start: " + String.join(" ", e.cmd()));
		watch(e, c, exitFile);
	}

	/** Starts an exec launched without {@code detach}. */
	public void run(ExecInstance e) {
		this.monitors.request(e.socket(), "START");
	}

	/** Waits for the exec to end and returns its exit code, so it is stored before the client's stream closes. */
	public int awaitExit(ExecInstance e) {
		try {
			return e.exited().get(60, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			return (e.exitCode() != null) ? e.exitCode() : -1;
		}
	}

	/**
	 * Hangs up a running exec, as closing a terminal window does: SIGHUP to the process the exec started, so a shell
	 * left behind by a closed dashboard terminal ends with its jobs rather than running on.
	 */
	public void hangUp(ExecInstance e) {
		if (e.socket() == null || !e.running()) {
			return;
		}
		Path pidFile = this.paths.containers().resolve(e.containerId()).resolve("exec").resolve(e.id()).resolve("pid");
		try {
			int pid = Integer.parseInt(Files.readString(pidFile).trim());
			if (pid > 1 && e.running()) {
				Signals.send(pid, Signals.parse("HUP"));
			}
		}
		catch (IOException | NumberFormatException ex) {
			// The runtime had not written it yet, or the exec has gone: nothing to hang up.
		}
	}

	public void resize(String id, int height, int width) {
		ExecInstance e = get(id);
		if (e.socket() == null || !e.running()) {
			throw new ConflictException("Exec " + id + " is not running");
		}
		this.monitors.request(e.socket(), "RESIZE " + height + " " + width);
	}

	private void watch(ExecInstance e, Container c, Path exitFile) {
		Thread t = new Thread(() -> {
			try (SocketChannel ch = this.monitors.attach(e.socket(), false, false, false)) {
				ByteBuffer buf = ByteBuffer.allocate(64);
				while (ch.read(buf.clear()) >= 0) {
					// The connection closes when the process has ended.
				}
			}
			catch (IOException ex) {
				// Gone already: the exit record tells.
			}
			ExitRecord rec = this.lifecycle.awaitExitRecord(exitFile)
				.orElse(new ExitRecord(126, 0, false, java.time.Instant.EPOCH, java.time.Instant.now()));
			e.ended(rec.exitCode());
			this.containers.events().publish(c, "exec_die", Map.of("execID", e.id(), "exitCode",
					Integer.toString(rec.exitCode())));
		}, "exec-watch");
		t.setDaemon(true);
		t.start();
	}

	/** The OCI process: the container's environment plus the exec's, its user and cwd; the rest comes from it. */
	private Map<String, Object> process(Container c, ExecInstance e) {
		Map<String, Object> config = this.containers.config(c);
		@SuppressWarnings("unchecked")
		List<String> containerEnv = (config.get("Env") instanceof List<?> l) ? (List<String>) l : List.of();
		List<String> env = new ArrayList<>(ContainerService.mergeEnv(containerEnv, e.env()));
		String userSpec = e.user().isEmpty() ? (String) config.getOrDefault("User", "") : e.user();
		UserResolver.User u = UserResolver.resolve(userSpec == null ? "" : userSpec,
				this.lifecycle.layersTopFirst(c));
		String cwd = e.workingDir().isEmpty() ? (String) config.getOrDefault("WorkingDir", "") : e.workingDir();
		Map<String, Object> p = new LinkedHashMap<>();
		p.put("terminal", e.tty());
		Map<String, Object> user = new LinkedHashMap<>();
		user.put("uid", u.uid());
		user.put("gid", u.gid());
		if (!u.groups().isEmpty()) {
			user.put("additionalGids", u.groups());
		}
		p.put("user", user);
		p.put("args", e.cmd());
		p.put("env", env);
		p.put("cwd", (cwd == null || cwd.isEmpty()) ? "/" : cwd);
		return p;
	}

}
