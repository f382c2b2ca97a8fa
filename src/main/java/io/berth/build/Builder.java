package io.berth.build;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.berth.build.context.BuildContext;
import io.berth.build.context.CopyLayer;
import io.berth.build.context.DestinationTree;
import io.berth.build.context.Owner;
import io.berth.build.context.Source;
import io.berth.build.context.SourceTree;
import io.berth.build.dockerfile.Dockerfile;
import io.berth.build.dockerfile.Instruction;
import io.berth.build.dockerfile.ShellLex;
import io.berth.container.BuildContainers;
import io.berth.content.Digest;
import io.berth.error.EngineException;
import io.berth.error.InvalidParameterException;
import io.berth.image.LayerWriter;
import io.berth.image.ResolvedImage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One build: the stages of a parsed Dockerfile run in order, each instruction making one image (with a layer for
 * RUN, COPY, ADD and a new WORKDIR, and none for the config-only ones), reusing cached steps, with the output the
 * classic builder streams. It is not a bean: {@link BuildService} makes one per request.
 */
final class Builder {

	private final BuildService.Parts parts;

	private final BuildOptions options;

	private final BuildOutput out;

	private final BuildContext context;

	private final Dockerfile dockerfile;

	private final List<Stage> stages = new ArrayList<>();

	/** ARGs declared before the first FROM, which only FROM lines see unless a stage declares them again. */
	private final Map<String, @Nullable String> globalArgs = new LinkedHashMap<>();

	private final Set<String> usedArgs = new LinkedHashSet<>();

	private int step;

	private int steps;

	/** The RUN container of the step running now, which a cancelled build kills. */
	private volatile @Nullable String running;

	private volatile boolean clientGone;

	Builder(BuildService.Parts parts, BuildOptions options, BuildOutput out, BuildContext context,
			Dockerfile dockerfile) {
		this.parts = parts;
		this.options = options;
		this.out = out;
		this.context = context;
		this.dockerfile = dockerfile;
	}

	/** Runs the build up to the target stage; the result is the last image's ID. */
	String run() {
		List<Instruction> meta = new ArrayList<>();
		List<List<Instruction>> plan = plan(meta);
		this.steps = meta.size() + plan.stream().mapToInt(List::size).sum();
		for (Instruction i : meta) {
			// The classic builder shows the ARGs before the first FROM as steps of their own.
			this.step++;
			say("Step " + this.step + "/" + this.steps + " : " + i.original() + "\n");
		}
		for (List<Instruction> stage : plan) {
			for (Instruction i : stage) {
				this.step++;
				say("Step " + this.step + "/" + this.steps + " : " + i.original() + "\n");
				dispatch(i);
			}
		}
		Stage last = this.stages.get(this.stages.size() - 1);
		if (!this.options.labels().isEmpty()) {
			this.options.labels().forEach((k, v) -> last.object("Labels").put(k, v));
			configStep(last, "LABEL " + String.join(" ", this.options.labels().keySet()));
		}
		if (last.imageId() == null) {
			throw new BuildFailedException("No image was generated. Is your Dockerfile empty?", 1);
		}
		List<String> unused = this.options.buildArgs().keySet().stream().filter((a) -> !this.usedArgs.contains(a))
			.toList();
		if (!unused.isEmpty()) {
			say("[Warning] One or more build-args " + unused + " were not consumed\n");
		}
		return last.imageId();
	}

	/** The stages to build, each its FROM and what follows; the global ARGs are taken in here, into {@code meta}. */
	private List<List<Instruction>> plan(List<Instruction> meta) {
		List<List<Instruction>> plan = new ArrayList<>();
		List<String> names = new ArrayList<>();
		for (Instruction i : this.dockerfile.instructions()) {
			if (i.keyword().equals("FROM")) {
				plan.add(new ArrayList<>(List.of(i)));
				Instruction.From from = Instruction.From.parse(i.rest());
				names.add((from.stageName() != null) ? from.stageName().toLowerCase(Locale.ROOT) : null);
			}
			else if (plan.isEmpty()) {
				if (!i.keyword().equals("ARG")) {
					throw new InvalidParameterException("Dockerfile parse error line " + i.line()
							+ ": no build stage in current context");
				}
				meta.add(i);
				for (Map.Entry<String, @Nullable String> kv : Instruction.keyValues(i.rest(), false, escape(),
						this.globalArgs::get)) {
					String value = this.options.buildArgs().containsKey(kv.getKey())
							? this.options.buildArgs().get(kv.getKey()) : kv.getValue();
					this.globalArgs.put(kv.getKey(), value);
					this.usedArgs.add(kv.getKey());
				}
			}
			else {
				plan.get(plan.size() - 1).add(i);
			}
		}
		if (plan.isEmpty()) {
			throw new InvalidParameterException("the Dockerfile (" + this.options.dockerfile() + ") cannot be empty");
		}
		if (this.options.target() != null) {
			int at = names.indexOf(this.options.target().toLowerCase(Locale.ROOT));
			if (at < 0) {
				throw new InvalidParameterException("failed to reach build target " + this.options.target()
						+ " in Dockerfile");
			}
			return plan.subList(0, at + 1);
		}
		return plan;
	}

	private void dispatch(Instruction i) {
		if (i.keyword().equals("FROM")) {
			from(i);
			return;
		}
		Stage s = this.stages.get(this.stages.size() - 1);
		switch (i.keyword()) {
			case "RUN" -> run(s, i);
			case "COPY" -> copy(s, i, false);
			case "ADD" -> copy(s, i, true);
			case "WORKDIR" -> workdir(s, i);
			default -> {
				configure(s, i);
				configStep(s, i.original());
			}
		}
	}

	private void from(Instruction i) {
		Instruction.From from = Instruction.From.parse(expandGlobal(i.rest()));
		String image = from.image();
		Stage base = stageNamed(image);
		Stage s;
		if (base != null) {
			s = new Stage(from.stageName(), base.imageId(), base.config().deepCopy());
		}
		else if (image.equalsIgnoreCase("scratch")) {
			s = new Stage(from.stageName(), null, Stage.JSON.createObjectNode());
		}
		else {
			ResolvedImage resolved = this.parts.baseImage(image, this.options.pull(), this.out);
			ObjectNode imageConfig = (ObjectNode) Stage.JSON.readTree(this.parts.images().configBytes(resolved.id()));
			ObjectNode config = imageConfig.path("config").isObject() ? (ObjectNode) imageConfig.get("config")
					: Stage.JSON.createObjectNode();
			s = new Stage(from.stageName(), resolved.id(), config);
		}
		this.stages.add(s);
		if (s.imageId() != null) {
			say(" ---> " + shortId(s.imageId()) + "\n");
		}
		List<String> triggers = new ArrayList<>();
		s.config().path("OnBuild").forEach((t) -> triggers.add(t.asString()));
		if (!triggers.isEmpty()) {
			s.config().remove("OnBuild");
			say("# Executing " + triggers.size() + " build trigger" + (triggers.size() == 1 ? "" : "s") + "\n");
			for (String t : triggers) {
				for (Instruction trigger : Dockerfile.parseTrigger(t)) {
					dispatch(trigger);
				}
			}
		}
	}

	/** The instructions that only change the config. */
	private void configure(Stage s, Instruction i) {
		switch (i.keyword()) {
			case "ENV" -> {
				for (Map.Entry<String, @Nullable String> kv : Instruction.keyValues(i.rest(), true, escape(), vars(s))) {
					s.setEnv(kv.getKey(), kv.getValue());
				}
			}
			case "ARG" -> {
				for (Map.Entry<String, @Nullable String> kv : Instruction.keyValues(i.rest(), false, escape(), vars(s))) {
					String name = kv.getKey();
					String value = this.options.buildArgs().containsKey(name) ? this.options.buildArgs().get(name)
							: (kv.getValue() != null) ? kv.getValue() : this.globalArgs.get(name);
					s.args().put(name, value);
					this.usedArgs.add(name);
				}
			}
			case "LABEL" -> {
				for (Map.Entry<String, @Nullable String> kv : Instruction.keyValues(i.rest(), true, escape(), vars(s))) {
					s.object("Labels").put(kv.getKey(), kv.getValue());
				}
			}
			case "MAINTAINER" -> {
				// Deprecated; the classic builder writes it as the image's author, which Berth leaves empty.
			}
			case "USER" -> s.config().put("User", expand(s, i.rest()).strip());
			case "STOPSIGNAL" -> s.config().put("StopSignal", expand(s, i.rest()).strip());
			case "EXPOSE" -> {
				for (String p : Instruction.words(i.rest(), escape(), vars(s))) {
					s.object("ExposedPorts").set(p.contains("/") ? p.toLowerCase(Locale.ROOT) : p + "/tcp",
							Stage.JSON.createObjectNode());
				}
			}
			case "VOLUME" -> {
				for (String v : Instruction.words(i.rest(), escape(), vars(s))) {
					if (v.isBlank()) {
						throw new InvalidParameterException("VOLUME specified can not be an empty string");
					}
					s.object("Volumes").set(v, Stage.JSON.createObjectNode());
				}
			}
			case "CMD" -> {
				s.config().set("Cmd", Stage.JSON.valueToTree(command(s, i)));
				s.markCmdSet();
			}
			case "ENTRYPOINT" -> {
				s.config().set("Entrypoint", Stage.JSON.valueToTree(command(s, i)));
				if (!s.cmdSet()) {
					// As the classic builder: an ENTRYPOINT drops a CMD that came from the base image.
					s.config().putNull("Cmd");
				}
			}
			case "SHELL" -> {
				if (!i.isJson()) {
					throw new InvalidParameterException("SHELL requires the arguments to be in JSON form");
				}
				s.config().set("Shell", Stage.JSON.valueToTree(i.execForm()));
			}
			case "HEALTHCHECK" -> {
				Instruction.Healthcheck h = Instruction.Healthcheck.parse(i.rest(), i.flags());
				ObjectNode hc = Stage.JSON.createObjectNode();
				hc.set("Test", Stage.JSON.valueToTree(h.test()));
				if (h.interval() != 0) {
					hc.put("Interval", h.interval());
				}
				if (h.timeout() != 0) {
					hc.put("Timeout", h.timeout());
				}
				if (h.startPeriod() != 0) {
					hc.put("StartPeriod", h.startPeriod());
				}
				if (h.retries() != 0) {
					hc.put("Retries", h.retries());
				}
				s.config().set("Healthcheck", hc);
			}
			case "ONBUILD" -> {
				ArrayNode onBuild = s.config().path("OnBuild").isArray() ? (ArrayNode) s.config().get("OnBuild")
						: s.config().putArray("OnBuild");
				onBuild.add(i.triggerExpression());
			}
			default -> throw new InvalidParameterException("Dockerfile parse error line " + i.line()
					+ ": unknown instruction: " + i.keyword());
		}
	}

	/** CMD, ENTRYPOINT and RUN: the exec form as written, or the shell form through the stage's shell. */
	private static List<String> command(Stage s, Instruction i) {
		if (i.isJson()) {
			return i.execForm();
		}
		List<String> cmd = new ArrayList<>(s.shell());
		cmd.add(i.heredocs().isEmpty() ? i.rest() : i.heredocs().get(0).content());
		return cmd;
	}

	/** A step that changes only the config: an image with no layer, unless the cache has it. */
	private void configStep(Stage s, String text) {
		List<String> createdBy = List.of("/bin/sh", "-c", "#(nop) ", text);
		commitStep(s, String.join(" ", createdBy), "", createdBy, null);
	}

	private void run(Stage s, Instruction i) {
		if (s.imageId() == null) {
			throw new BuildFailedException("The command '" + i.rest() + "' cannot run: the stage is still empty "
					+ "(FROM scratch) and has no shell", 1);
		}
		List<String> cmd = command(s, i);
		// Build args in scope reach RUN as environment variables and, as in the classic builder, its cache key.
		List<String> argEnv = new ArrayList<>();
		s.args().forEach((k, v) -> {
			if (v != null && Objects.equals(s.lookup(k), v)) {
				argEnv.add(k + "=" + v);
			}
		});
		List<String> createdBy = new ArrayList<>();
		if (!argEnv.isEmpty()) {
			createdBy.add("|" + argEnv.size());
			createdBy.addAll(argEnv);
		}
		createdBy.addAll(cmd);
		String key = BuildCache.key(s.imageId(), String.join(" ", createdBy), s.config().toString());
		if (cached(s, key)) {
			return;
		}
		List<String> env = new ArrayList<>(s.env());
		env.addAll(argEnv);
		String id = this.parts.containers().create(new BuildContainers.Run(s.imageId(), cmd, env, s.user(),
				s.workingDir(), this.options.networkMode()));
		this.running = id;
		// A step may print nothing for long; an empty line each second finds a client that went away meanwhile.
		ScheduledFuture<?> probe = this.parts.ticker().scheduleWithFixedDelay(this::probeClient, 1, 1,
				TimeUnit.SECONDS);
		try {
			say(" ---> Running in " + id.substring(0, 12) + "\n");
			int code = this.parts.containers().runAttached(id, new StreamOutput());
			probe.cancel(false);
			if (this.clientGone) {
				throw new UncheckedIOException(new IOException("the client went away during the step"));
			}
			if (code != 0) {
				throw new BuildFailedException("The command '" + String.join(" ", cmd)
						+ "' returned a non-zero code: " + code, code);
			}
			String image = this.parts.committer().commitBuildStep(s.imageId(), s.configMap(), createdBy,
					this.parts.containers().diff(id)).id();
			this.parts.cache().put(key, image);
			say("Removing intermediate container " + id.substring(0, 12) + "\n");
			advance(s, image);
		}
		finally {
			probe.cancel(false);
			this.running = null;
			this.parts.containers().remove(id);
		}
	}

	private void copy(Stage s, Instruction i, boolean add) {
		String from = i.flags().get("from");
		if (add && from != null) {
			throw new InvalidParameterException("Dockerfile parse error line " + i.line()
					+ ": ADD does not take --from; use COPY --from");
		}
		Owner owner = owner(s, i.flags().get("chown"));
		Integer chmod = chmod(i.flags().get("chmod"));
		String keyword = add ? "ADD" : "COPY";
		if (!i.heredocs().isEmpty()) {
			List<String> words = Instruction.words(i.rest(), escape(), vars(s));
			String dest = words.get(words.size() - 1);
			byte[] content = i.heredocs().get(0).content().getBytes(StandardCharsets.UTF_8);
			List<String> createdBy = List.of("/bin/sh", "-c", "#(nop) " + keyword + " heredoc in " + dest + " ");
			String name = i.heredocs().get(0).name();
			commitStep(s, String.join(" ", createdBy) + owner + chmod,
					Digest.of(content).hex(), createdBy, (o) -> {
						try (ImageRoot below = ImageRoot.open(layerDirs(s.imageId()), this.parts.tmp())) {
							CopyLayer.writeHeredoc(o, name, dest, s.workingDir(), content, owner, chmod,
									DestinationTree.of(below.path()));
						}
					});
			return;
		}
		List<String> words = Instruction.words(i.rest(), escape(), vars(s));
		if (words.size() < 2) {
			throw new InvalidParameterException(keyword + " requires at least two arguments, but only one was "
					+ "provided. Destination could not be determined.");
		}
		String dest = words.get(words.size() - 1);
		List<String> sources = words.subList(0, words.size() - 1);
		long urls = sources.stream().filter(Builder::isUrl).count();
		if (urls > 0 && (!add || urls != sources.size())) {
			throw new InvalidParameterException(add ? "ADD cannot mix URLs and local files in one instruction"
					: "COPY takes no URLs; use ADD");
		}
		Path downloads = (urls > 0) ? Downloads.fetch(sources, this.parts.tmp()) : null;
		if (downloads != null) {
			sources = sources.stream().map(Downloads::fileName).toList();
		}
		ImageRoot fromRoot = (from != null) ? fromRoot(expand(s, from)) : null;
		try {
			SourceTree tree = (fromRoot != null) ? SourceTree.of(fromRoot.path(), null)
					: (downloads != null) ? SourceTree.of(downloads, null)
							: SourceTree.of(this.context.root(), this.context.ignore());
			List<Source> resolved = tree.resolve(sources, keyword);
			if ((resolved.size() > 1 || sources.size() > 1) && !dest.endsWith("/")) {
				throw new InvalidParameterException("When using " + keyword + " with more than one source file, "
						+ "the destination must be a directory and end with a /");
			}
			String checksum = tree.checksum(resolved);
			List<String> createdBy = List.of("/bin/sh", "-c", "#(nop) " + keyword + " " + checksum.substring(0, 12)
					+ " in " + dest + " ");
			// A downloaded file is not unpacked, as with dockerd: only local archives are.
			boolean extract = add && downloads == null;
			commitStep(s, i.original() + "|" + dest + "|" + s.workingDir() + "|" + owner + "|" + chmod, checksum,
					createdBy, (o) -> {
						// What the image already has under the destination decides file or directory, and keeps
						// existing directories' modes and owners, as dockerd's copy does.
						try (ImageRoot below = ImageRoot.open(layerDirs(s.imageId()), this.parts.tmp())) {
							CopyLayer.write(o, tree, resolved, dest, s.workingDir(), owner, chmod, extract,
									DestinationTree.of(below.path()));
						}
					});
		}
		finally {
			if (fromRoot != null) {
				fromRoot.close();
			}
			if (downloads != null) {
				Downloads.delete(downloads);
			}
		}
	}

	private static boolean isUrl(String source) {
		return source.startsWith("http://") || source.startsWith("https://");
	}

	/** {@code --from}: a stage by name or index, or an image. */
	private ImageRoot fromRoot(String ref) {
		Stage stage = stageNamed(ref);
		String imageId;
		if (stage != null) {
			imageId = stage.imageId();
		}
		else {
			imageId = this.parts.baseImage(ref, false, this.out).id();
		}
		return ImageRoot.open(layerDirs(imageId), this.parts.tmp());
	}

	private void workdir(Stage s, Instruction i) {
		String dir = expand(s, i.rest()).strip();
		String path = dir.startsWith("/") ? dir : s.workingDir() + (s.workingDir().endsWith("/") ? "" : "/") + dir;
		path = Path.of(path).normalize().toString();
		s.config().put("WorkingDir", path);
		List<String> missing = new ArrayList<>();
		try (ImageRoot root = ImageRoot.open(layerDirs(s.imageId()), this.parts.tmp())) {
			Path p = Path.of("/");
			for (Path component : Path.of(path)) {
				p = p.resolve(component.toString());
				if (!missing.isEmpty() || !Files.isDirectory(root.path().resolve(p.toString().substring(1)),
						LinkOption.NOFOLLOW_LINKS)) {
					missing.add(p.toString().substring(1));
				}
			}
		}
		if (missing.isEmpty()) {
			configStep(s, "WORKDIR " + path);
			return;
		}
		// As the classic builder: a WORKDIR that does not exist yet is made, and so is a layer.
		List<String> createdBy = List.of("/bin/sh", "-c", "#(nop) WORKDIR " + path);
		commitStep(s, String.join(" ", createdBy), "", createdBy, (o) -> DirectoryLayer.write(o, missing));
	}

	private List<Path> layerDirs(@Nullable String imageId) {
		return (imageId == null) ? List.of() : this.parts.lookup().resolve(imageId).layerDirs();
	}

	/** Commits a step, or reuses the cached image of the same step. */
	private void commitStep(Stage s, String step, String inputs, List<String> createdBy,
			@Nullable LayerWriter diff) {
		String parent = (s.imageId() != null) ? s.imageId() : "scratch";
		String key = BuildCache.key(parent, step, inputs + "\n" + s.config());
		if (cached(s, key)) {
			return;
		}
		String image = this.parts.committer().commitBuildStep(s.imageId(), s.configMap(), createdBy, diff).id();
		this.parts.cache().put(key, image);
		advance(s, image);
	}

	private boolean cached(Stage s, String key) {
		if (this.options.noCache()) {
			return false;
		}
		String hit = this.parts.cache().find(key).orElse(null);
		if (hit == null) {
			return false;
		}
		say(" ---> Using cache\n");
		advance(s, hit);
		return true;
	}

	private void advance(Stage s, String imageId) {
		s.advance(imageId);
		say(" ---> " + shortId(imageId) + "\n");
	}

	private @Nullable Stage stageNamed(String ref) {
		for (Stage s : this.stages) {
			if (s.name() != null && s.name().equalsIgnoreCase(ref)) {
				return s;
			}
		}
		if (ref.matches("\\d{1,4}")) {
			int index = Integer.parseInt(ref);
			if (index < this.stages.size()) {
				return this.stages.get(index);
			}
		}
		return null;
	}

	/** {@code --chown}: numbers, or names from the stage's {@code /etc/passwd} and {@code /etc/group}. */
	private @Nullable Owner owner(Stage s, @Nullable String chown) {
		if (chown == null || chown.isEmpty()) {
			return null;
		}
		String spec = expand(s, chown);
		String[] parts = spec.split(":", 2);
		String user = parts[0];
		String group = (parts.length == 2) ? parts[1] : null;
		if (user.matches("\\d+") && (group == null || group.matches("\\d+"))) {
			int uid = Integer.parseInt(user);
			return new Owner(uid, (group == null) ? uid : Integer.parseInt(group));
		}
		if (s.imageId() == null) {
			throw new InvalidParameterException("unable to convert uid/gid chown string to host mapping: the stage "
					+ "has no /etc/passwd to look up " + spec);
		}
		int[] ids = this.parts.containers().ids(spec, layerDirs(s.imageId()));
		return new Owner(ids[0], ids[1]);
	}

	private static @Nullable Integer chmod(@Nullable String chmod) {
		if (chmod == null || chmod.isEmpty()) {
			return null;
		}
		if (!chmod.matches("[0-7]{3,4}")) {
			throw new InvalidParameterException("invalid chmod parameter: " + chmod + ": an octal mode is needed");
		}
		return Integer.parseInt(chmod, 8);
	}

	private String expand(Stage s, String text) {
		return ShellLex.expand(text, escape(), vars(s));
	}

	/** The stage's variables for expansion; an ARG looked up counts as consumed. */
	private Function<String, @Nullable String> vars(Stage s) {
		return (name) -> {
			if (s.args().containsKey(name)) {
				this.usedArgs.add(name);
			}
			return s.lookup(name);
		};
	}

	private char escape() {
		return this.dockerfile.escape();
	}

	private String expandGlobal(String text) {
		return ShellLex.expand(text, escape(), this.globalArgs::get);
	}

	private void probeClient() {
		try {
			this.out.stream("");
		}
		catch (RuntimeException ex) {
			this.clientGone = true;
			cancel();
		}
	}

	/** Kills the RUN in progress, for a client that went away. */
	void cancel() {
		String id = this.running;
		if (id != null) {
			this.parts.containers().kill(id);
		}
	}

	private void say(String text) {
		if (!this.options.quiet()) {
			this.out.stream(text);
		}
	}

	static String shortId(String imageId) {
		String hex = imageId.startsWith("sha256:") ? imageId.substring(7) : imageId;
		return hex.substring(0, Math.min(12, hex.length()));
	}

	/** A RUN's output, sent on as stream lines as it comes. */
	private final class StreamOutput extends OutputStream {

		private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

		@Override
		public void write(int b) {
			this.pending.write(b);
		}

		@Override
		public void write(byte[] b, int off, int len) {
			this.pending.write(b, off, len);
		}

		@Override
		public void flush() {
			if (this.pending.size() > 0) {
				String text = this.pending.toString(StandardCharsets.UTF_8);
				this.pending.reset();
				try {
					say(text);
				}
				catch (UncheckedIOException | EngineException ex) {
					cancel();
					throw ex;
				}
			}
		}

	}

}
