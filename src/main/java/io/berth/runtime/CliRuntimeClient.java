package io.berth.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.berth.paths.EnginePaths;

import org.springframework.stereotype.Component;

/** {@link RuntimeClient} over the runtime's runc-compatible command line, with {@code --root} under the exec root. */
@Component
class CliRuntimeClient implements RuntimeClient {

	private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z]+)\"");

	private static final long TIMEOUT_SECONDS = 30;

	private final String runtime;

	private final String root;

	CliRuntimeClient(NativeBinaries binaries, EnginePaths paths) {
		this.runtime = binaries.runtime().toString();
		this.root = paths.runtimeRoot().toString();
	}

	@Override
	public Optional<String> status(String id) {
		ProcessRunner.Output out = ProcessRunner.run(command("state", id), TIMEOUT_SECONDS);
		if (out.exitCode() != 0) {
			return Optional.empty();
		}
		Matcher m = STATUS.matcher(out.stdout());
		return m.find() ? Optional.of(m.group(1)) : Optional.empty();
	}

	@Override
	public void kill(String id, int signal, boolean all) {
		List<String> args = new ArrayList<>(List.of("kill"));
		if (all) {
			args.add("--all");
		}
		args.add(id);
		args.add(Integer.toString(signal));
		check(command(args.toArray(String[]::new)));
	}

	@Override
	public void pause(String id) {
		check(command("pause", id));
	}

	@Override
	public void resume(String id) {
		check(command("resume", id));
	}

	@Override
	public void delete(String id, boolean force) {
		check(force ? command("delete", "--force", id) : command("delete", id));
	}

	private List<String> command(String... args) {
		List<String> cmd = new ArrayList<>(List.of(this.runtime, "--root", this.root));
		cmd.addAll(List.of(args));
		return cmd;
	}

	private static void check(List<String> command) {
		ProcessRunner.Output out = ProcessRunner.run(command, TIMEOUT_SECONDS);
		if (out.exitCode() != 0) {
			throw new RuntimeCommandException(out.error());
		}
	}

}
