package io.berth.it;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import io.berth.image.layer.FileStates;
import io.berth.image.layer.HostileLayers;
import io.berth.image.layer.HostileLayers.Accepted;
import io.berth.image.layer.HostileLayers.Case;
import io.berth.image.layer.HostileLayers.Refused;
import io.berth.it.registry.ImageSpec;
import io.berth.it.registry.OciLayout;
import io.berth.it.registry.RegistryServer;
import io.berth.it.registry.Skopeo;
import io.berth.it.registry.TarLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link HostileLayers} corpus end to end: each hostile layer sits on a busybox base in an image that skopeo
 * pushes, byte for byte, to a registry on 127.0.0.1, and {@code docker pull} (then {@code docker run} when the layer
 * is accepted) must refuse it naming the entry, or give the promised in-container view, while the host (a canary
 * directory, /etc/passwd and /etc/shadow, the escape targets, everything around the data root) stays as it was.
 */
class HostileLayersPullIT extends DaemonSupport {

	/** Small so that the bombs, which must be pushed whole, can stay small and still exceed it four times. */
	private static final long MAX_LAYER_SIZE = 64L << 20;

	private static final long BOMB_SIZE = 4 * MAX_LAYER_SIZE;

	private static final List<Path> HOST_FILES = List.of(Path.of("/etc/passwd"), Path.of("/etc/shadow"));

	/** Directories an escaping entry could land in, each probed for {@link #PLANTED_NAMES}. */
	private static final List<Path> HOST_DIRS = List.of(Path.of("/"), Path.of("/tmp"), Path.of("/etc"));

	/** Every name the corpus tries to write outside its root. */
	private static final List<String> PLANTED_NAMES = List.of("escape", "berth-hostile-escape", "berth-hostile-x",
			"planted", "x", "p", "inner", ".wh.canary", "cron.d");

	/** The corpus cases pulled here: every category the acceptance names, refused and accepted. */
	private static final List<String> REFUSED = List.of(
			// Names with '..', relative and absolute.
			"dotdot-escape", "nested-dotdot-escape", "dotdot-to-host-tmp", "absolute-dotdot-escape",
			// Symlink escapes, absolute and relative, written through.
			"symlink-absolute-escape", "symlink-relative-escape", "symlink-to-canary", "symlink-chain-up-and-up",
			"symlink-parent-of-directory",
			// Hardlinks to the outside.
			"hardlink-absolute-host-file", "hardlink-dotdot", "hardlink-through-symlinked-dir",
			// Whiteouts of '..' and through symlinks.
			"whiteout-dotdot", "whiteout-dotdot-in-dir", "whiteout-above-root", "opaque-through-symlink",
			// Overlay xattrs smuggled in PAX records.
			"pax-opaque-xattr", "pax-redirect-xattr",
			// Sparse files and bombs.
			"gnu-sparse-huge-real-size", "gnu-sparse-real-size-past-limit", "gzip-bomb-one-entry",
			"gzip-bomb-many-entries", "gzip-bomb-after-end-of-archive");

	/** The accepted cases pulled here, each with the in-container view that shows what was kept. */
	private static final Map<String, View> ACCEPTED = accepted();

	/** What {@code docker run --rm IMAGE ARGS} must print for an accepted case. */
	private record View(List<String> args, String output) {

		static View of(String output, String... args) {
			return new View(List.of(args), output);
		}

	}

	private static Map<String, View> accepted() {
		Map<String, View> views = new LinkedHashMap<>();
		views.put("absolute-name-is-root-relative", View.of("inside", "cat", "/etc/berth-hostile-x"));
		views.put("symlink-then-file-replaces-link", View.of("mine regular\n", "sh", "-c",
				"echo \"$(cat /x) $([ -L /x ] && echo link || echo regular)\""));
		views.put("symlink-then-directory", View.of("directory 700 in\n", "sh", "-c",
				"echo \"$([ -L /x ] && echo link || echo directory) $(stat -c %a /x) $(cat /x/inner)\""));
		views.put("symlinks-may-point-anywhere", View.of("/etc/shadow\n../../../../etc\na//b/../\nnowhere\n", "sh",
				"-c", "for l in abs rel odd dangling; do readlink /$l; done"));
		views.put("symlink-metadata-is-not-followed", View.of("4321\n", "stat", "-c", "%u", "/s"));
		views.put("hardlink-absolute-is-root-relative",
				View.of("root:x:0:0::/root:/bin/sh\n2 same inode\n", "sh", "-c",
						"cat /p; echo \"$(stat -c %h /p) $([ /p -ef /etc/passwd ] && echo same || echo other) inode\""));
		views.put("hardlink-to-escaping-symlink-links-the-link", View.of("/etc/passwd\n", "readlink", "/p"));
		views.put("directory-replaced-by-file", View.of("now a file", "cat", "/d"));
		return views;
	}

	@TempDir
	static Path temp;

	private RegistryServer registry;

	private OciLayout layout;

	private TarLayer busybox;

	private Path canary;

	private Map<String, Case> corpus;

	@Override
	protected String[] daemonArgs() {
		return new String[] { "--berth.images.max-layer-size=" + (MAX_LAYER_SIZE >> 20) + "MB" };
	}

	@Override
	protected void prepare() throws Exception {
		this.canary = Files.createDirectories(temp.resolve("canary"));
		Files.writeString(this.canary.resolve("file"), "canary\n");
		Files.createDirectories(this.canary.resolve("sub"));
		Files.writeString(this.canary.resolve("sub/passwd"), "canary:x:0:0\n");
		Files.createSymbolicLink(this.canary.resolve("link"), Path.of("file"));
		this.corpus = HostileLayers.all(this.canary, MAX_LAYER_SIZE, BOMB_SIZE).stream()
			.collect(Collectors.toMap(Case::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
		this.registry = RegistryServer.start();
		this.layout = OciLayout.create(temp.resolve("layout"));
		this.busybox = TarLayer.of(BusyboxImage.rootfsTar());
		// The base layer is pulled once up front, so that each case downloads, and may store, only its hostile layer.
		String base = this.registry.host() + "/hostile/base:1";
		push("base", ImageSpec.create().layer(this.busybox), base);
		docker("pull", base).assertOk();
	}

	@AfterAll
	void stopRegistry() throws Exception {
		if (this.registry != null) {
			this.registry.close();
		}
	}

	@Test
	void theCasesPulledHereAreInTheCorpusAndCoverIt() {
		assertThat(this.corpus.keySet()).containsAll(REFUSED).containsAll(ACCEPTED.keySet());
		assertThat(REFUSED).allSatisfy((name) -> assertThat(this.corpus.get(name).expected()).as(name)
			.isInstanceOf(Refused.class));
		assertThat(ACCEPTED.keySet()).allSatisfy((name) -> assertThat(this.corpus.get(name).expected()).as(name)
			.isInstanceOf(Accepted.class));
		assertThat(REFUSED.size() + ACCEPTED.size()).isGreaterThanOrEqualTo(15);
	}

	static Stream<String> cases() {
		return Stream.concat(REFUSED.stream(), ACCEPTED.keySet().stream());
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("cases")
	void pullOfAHostileLayerLeavesTheHostUntouched(String name) throws Exception {
		Case c = this.corpus.get(name);
		String ref = this.registry.host() + "/hostile/" + name + ":1";
		push(name, ImageSpec.create().layer(this.busybox).layer(TarLayer.of(uncompressedTar(c))), ref);
		HostState before = HostState.capture(this);
		Map<String, String> dataBefore = FileStates.types(this.daemon.dataRoot());
		List<String> layersBefore = layerDirs();

		DockerCli.Result pull = docker("pull", ref);
		if (c.expected() instanceof Refused refused) {
			assertThat(pull.exitCode()).as(name + ": docker pull exit code; it said\n" + pull.out()).isNotZero();
			if (refused.entry() != null) {
				assertThat(pull.err()).as(name + ": the error names the entry").contains("\"" + refused.entry() + "\"");
			}
			assertThat(pull.err()).as(name + ": the error gives the reason").contains(refused.reason());
			assertThat(repositories()).as(name + ": docker images").doesNotContain(this.registry.host() + "/hostile/"
					+ name);
			assertThat(docker("image", "inspect", ref).exitCode()).as(name + ": docker image inspect").isNotZero();
			assertThat(tempEntries()).as(name + ": leftovers in the data root's tmp/").isEmpty();
			assertThat(layerDirs()).as(name + ": layer directories").isEqualTo(layersBefore);
			assertThat(FileStates.types(this.daemon.dataRoot())).as(name + ": the data root").isEqualTo(dataBefore);
		}
		else {
			pull.assertOk();
			View view = ACCEPTED.get(name);
			List<String> run = new ArrayList<>(List.of("run", "--rm", ref));
			run.addAll(view.args());
			assertThat(docker(run.toArray(String[]::new)).assertOk().out()).as(name + ": in-container view")
				.isEqualTo(view.output());
			assertThat(tempEntries()).as(name + ": leftovers in the data root's tmp/").isEmpty();
			docker("rmi", ref).assertOk();
		}
		HostState after = HostState.capture(this);
		assertThat(after.canary()).as(name + ": the canary directory").isEqualTo(before.canary());
		assertThat(after.hostFiles()).as(name + ": /etc/passwd and /etc/shadow").isEqualTo(before.hostFiles());
		assertThat(after.probes()).as(name + ": escape targets on the host").isEqualTo(before.probes());
		assertThat(after.hostileNames()).as(name + ": berth-hostile-* in /, /tmp and /etc").isEmpty();
		assertThat(after.aroundDataRoot()).as(name + ": the daemon root outside data/ and exec/")
			.isEqualTo(before.aroundDataRoot());
		assertThat(after.testTemp()).as(name + ": the test's temp dir").isEqualTo(before.testTemp());
	}

	/** What a hostile layer could change outside the data root, captured before and after each case. */
	private record HostState(Map<String, String> canary, Map<String, String> hostFiles, Map<String, String> probes,
			List<String> hostileNames, Map<String, String> aroundDataRoot, Map<String, String> testTemp) {

		static HostState capture(HostileLayersPullIT it) throws IOException {
			Map<String, String> hostFiles = new TreeMap<>();
			for (Path p : HOST_FILES) {
				hostFiles.put(p.toString(), FileStates.describe(p));
			}
			Path root = it.daemon.root();
			List<Path> dirs = new ArrayList<>(HOST_DIRS);
			dirs.addAll(List.of(temp, it.canary, root, root.getParent(), it.daemon.dataRoot(),
					it.daemon.dataRoot().resolve("layers"), it.daemon.dataRoot().resolve("layers/sha256")));
			Map<String, String> probes = new TreeMap<>();
			for (Path dir : dirs) {
				for (String name : PLANTED_NAMES) {
					Path p = dir.resolve(name);
					probes.put(p.toString(), Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? FileStates.describe(p) : "absent");
				}
			}
			List<String> hostile = new ArrayList<>();
			for (Path dir : HOST_DIRS) {
				try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "berth-hostile*")) {
					s.forEach((p) -> hostile.add(p.toString()));
				}
			}
			Map<String, String> around = FileStates.types(root);
			around.keySet().removeIf((p) -> p.equals("data") || p.startsWith("data/") || p.equals("exec")
					|| p.startsWith("exec/"));
			Map<String, String> testTemp = FileStates.types(temp);
			testTemp.keySet().removeIf((p) -> p.equals("canary") || p.startsWith("canary/") || p.startsWith("layout/"));
			return new HostState(FileStates.snapshot(it.canary), hostFiles, probes, hostile, around, testTemp);
		}

	}

	/** Pushes {@code image} through the OCI layout with skopeo, which copies the layer blobs as they are. */
	private void push(String tag, ImageSpec image, String ref) throws IOException {
		this.layout.add(tag, image);
		Skopeo.push(this.layout.reference(tag), ref, Skopeo.Format.OCI);
	}

	/** The case's tar, gunzipped for the bombs, which the corpus only hands out compressed. */
	private static byte[] uncompressedTar(Case c) throws IOException {
		try (InputStream in = c.open()) {
			byte[] bytes = in.readAllBytes();
			if (bytes.length < 2 || bytes[0] != (byte) 0x1f || bytes[1] != (byte) 0x8b) {
				return bytes;
			}
			try (InputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(bytes), 1 << 16)) {
				return gunzip.readAllBytes();
			}
		}
	}

	/** Every repository {@code docker images} lists. */
	private List<String> repositories() {
		return docker("images", "--format", "{{.Repository}}").assertOk().out().lines().toList();
	}

	/** What the daemon left in its temp dir, which a finished or failed pull must not leave anything in. */
	private List<String> tempEntries() throws IOException {
		try (Stream<Path> s = Files.list(this.daemon.dataRoot().resolve("tmp"))) {
			return s.map((p) -> p.getFileName().toString()).toList();
		}
	}

	/** The unpacked layers the daemon holds, sorted. */
	private List<String> layerDirs() throws IOException {
		Path dir = this.daemon.dataRoot().resolve("layers/sha256");
		if (!Files.isDirectory(dir)) {
			return List.of();
		}
		try (Stream<Path> s = Files.list(dir)) {
			return s.map((p) -> p.getFileName().toString()).sorted().toList();
		}
	}

}
