package io.berth.container;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One {@code docker exec}: what to run, and once started, its monitor's socket and its exit code. Kept in memory, as
 * dockerd keeps exec instances.
 */
public final class ExecInstance {

	private final String id;

	private final String containerId;

	private final List<String> cmd;

	private final List<String> env;

	private final String user;

	private final String workingDir;

	private final boolean tty;

	private final boolean attachStdin;

	private final boolean attachStdout;

	private final boolean attachStderr;

	private final boolean privileged;

	private volatile boolean running;

	private volatile Integer exitCode;

	private volatile Path socket;

	private final CompletableFuture<Integer> exited = new CompletableFuture<>();

	ExecInstance(String id, String containerId, List<String> cmd, List<String> env, String user, String workingDir,
			boolean tty, boolean attachStdin, boolean attachStdout, boolean attachStderr, boolean privileged) {
		this.id = id;
		this.containerId = containerId;
		this.cmd = List.copyOf(cmd);
		this.env = List.copyOf(env);
		this.user = user;
		this.workingDir = workingDir;
		this.tty = tty;
		this.attachStdin = attachStdin;
		this.attachStdout = attachStdout;
		this.attachStderr = attachStderr;
		this.privileged = privileged;
	}

	public String id() {
		return this.id;
	}

	public String containerId() {
		return this.containerId;
	}

	public List<String> cmd() {
		return this.cmd;
	}

	public List<String> env() {
		return this.env;
	}

	public String user() {
		return this.user;
	}

	public String workingDir() {
		return this.workingDir;
	}

	public boolean tty() {
		return this.tty;
	}

	public boolean attachStdin() {
		return this.attachStdin;
	}

	public boolean attachStdout() {
		return this.attachStdout;
	}

	public boolean attachStderr() {
		return this.attachStderr;
	}

	public boolean privileged() {
		return this.privileged;
	}

	public boolean running() {
		return this.running;
	}

	/** Null until the process has ended. */
	public Integer exitCode() {
		return this.exitCode;
	}

	public Path socket() {
		return this.socket;
	}

	public CompletableFuture<Integer> exited() {
		return this.exited;
	}

	void started(Path socket) {
		this.socket = socket;
		this.running = true;
	}

	void ended(int code) {
		this.exitCode = code;
		this.running = false;
		this.exited.complete(code);
	}

}
