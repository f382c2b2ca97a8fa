package io.berth.image.layer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.berth.content.BlobStore;
import io.berth.error.InvalidParameterException;
import io.berth.image.layer.HostileLayers.Entry;
import io.berth.image.layer.HostileLayers.Tar;
import io.berth.paths.EnginePaths;
import io.berth.paths.EngineProperties;
import org.junit.jupiter.api.AfterAll;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes {@link LayerStore#unpack} with structured tars (names with {@code ..}, {@code /} and {@code .wh.}, links
 * aimed at a canary directory beside the store, every entry type, modes and xattrs) and with raw bytes. Whatever the
 * input, the layer is refused with {@link InvalidLayerException} or accepted; either way nothing outside the unpack
 * root changes, the temp directory is gone afterwards, and an accepted layer shows each path as its last entry wrote
 * it, which fails if any write went through a symlink. CI fuzzes for {@code maxDuration} (the {@code fuzz} execution
 * in pom.xml sets JAZZER_FUZZ); without JAZZER_FUZZ only the seeds in {@code LayerUnpackerFuzzTestsInputs} run.
 */
class LayerUnpackerFuzzTests {

	private static final long MAX_SIZE = 1024 * 1024;

	/** Fewer executions than this in fuzzing mode means Jazzer did not really fuzz. */
	private static final long MIN_FUZZ_EXECUTIONS = 1000;

	private static final AtomicLong executions = new AtomicLong();

	private static final AtomicLong accepted = new AtomicLong();

	private static final String[] COMPONENTS = { "a", "b", "c", "..", ".", "", ".wh.a", ".wh.b", ".wh..wh..opq",
			".wh..", ".wh...", ".wh.", ".wh..wh.plnk", "etc", "passwd", "canary", "file" };

	private static final char[] TYPES = { '0', '0', '5', '5', '2', '2', '1', '1', '3', '4', '6', '7', '\0', 'S',
			'Z' };

	private static final String[] XATTRS = { "user.a", "user.berth", "trusted.overlay.opaque",
			"trusted.overlay.redirect", "user.overlay.opaque", "security.capability", "trusted.berth", "user." };

	private static Workspace workspace;

	@FuzzTest(maxDuration = "25s", maxExecutions = 2_000_000)
	void unpackKeepsEverythingInsideTheRoot(FuzzedDataProvider data) throws IOException {
		executions.incrementAndGet();
		Workspace ws = workspace();
		List<Entry> entries = null;
		byte[] layer;
		if (data.consumeBoolean()) {
			layer = data.consumeRemainingAsBytes();
		}
		else {
			entries = entries(data, ws);
			Tar tar = new Tar();
			entries.forEach(tar::entry);
			layer = data.consumeBoolean() ? tar.bytes() : tar.unterminated();
		}
		InputStream in = new ByteArrayInputStream(layer);
		try (PendingLayer pending = LayerStore.unpack(ws.paths.tmp(), ws.blobs, in, MAX_SIZE)) {
			accepted.incrementAndGet();
			assertThat(pending.directory().getParent()).isEqualTo(ws.paths.tmp());
			if (entries != null) {
				assertLastEntriesWon(pending.directory(), entries);
			}
		}
		catch (InvalidLayerException ex) {
			// Refused; what matters is checked below.
		}
		catch (InvalidParameterException ex) {
			// Only raw bytes can start with zstd or xz magic, which Berth reports as unsupported.
			assertThat(ex.getMessage()).contains("not supported");
		}
		ws.assertUntouched();
	}

	@AfterAll
	static void reportExecutions() throws IOException {
		long count = executions.get();
		System.out.println("LayerUnpackerFuzzTests: " + count + " executions, " + accepted.get() + " layers accepted");
		String fuzz = System.getenv("JAZZER_FUZZ");
		if (fuzz != null && !fuzz.isEmpty()) {
			assertThat(count).as("fuzzing executions").isGreaterThanOrEqualTo(MIN_FUZZ_EXECUTIONS);
		}
		else {
			assertThat(count).as("seed executions").isPositive();
		}
		if (workspace != null) {
			LayerUnpacker.deleteTree(workspace.base);
			workspace = null;
		}
	}

	private static List<Entry> entries(FuzzedDataProvider data, Workspace ws) {
		int count = data.consumeInt(1, 10);
		List<Entry> entries = new ArrayList<>();
		for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
			char type = data.pickValue(TYPES);
			String name = name(data);
			Entry e = switch (type) {
				case '2' -> Entry.symlink(name, target(data, ws));
				case '1' -> Entry.hardlink(name, target(data, ws));
				case '3', '4', '6' -> Entry.device(name, type, data.consumeInt(0, 300), data.consumeInt(0, 300));
				case '5' -> Entry.dir(name);
				default -> Entry.typed(name, type, data.consumeAsciiString(64).getBytes(StandardCharsets.UTF_8));
			};
			e.mode(data.consumeInt(0, 07777)).owner(data.consumeInt(0, 70000), data.consumeInt(0, 70000))
				.mtime(data.consumeLong(0, 1L << 33));
			if (data.consumeBoolean()) {
				e.pax("SCHILY.xattr." + data.pickValue(XATTRS), data.consumeAsciiString(16));
			}
			entries.add(e);
		}
		return entries;
	}

	private static String name(FuzzedDataProvider data) {
		int parts = data.consumeInt(1, 5);
		StringBuilder name = new StringBuilder(data.consumeBoolean() ? "/" : "");
		for (int i = 0; i < parts; i++) {
			if (i > 0) {
				name.append('/');
			}
			name.append(data.consumeBoolean() ? data.pickValue(COMPONENTS) : data.consumeAsciiString(6));
		}
		if (data.consumeBoolean()) {
			name.append('/');
		}
		return name.toString();
	}

	/** Link targets aimed at the canary beside the store, at the host, and inside the layer. */
	private static String target(FuzzedDataProvider data, Workspace ws) {
		String canary = ws.canary.toString();
		String[] targets = { canary, canary + "/file", canary + "/sub", "/etc", "/etc/passwd", "../../../canary",
				"../../../canary/file", "../../../../canary", "..", ".", "/", "a", "a/b", "/a", "b/../a", "c", "" };
		return data.consumeBoolean() ? data.pickValue(targets) : data.consumeAsciiString(12);
	}

	/**
	 * Each path holds what its last entry wrote, unless a later non-directory entry replaced one of its parents: a
	 * file has that entry's bytes, a symlink that entry's text, a directory is a directory. A write through a symlink,
	 * or a symlink kept where a file was written, breaks this.
	 */
	private static void assertLastEntriesWon(Path root, List<Entry> entries) throws IOException {
		List<List<String>> paths = new ArrayList<>();
		for (Entry e : entries) {
			List<String> p = clean(e.name);
			assertThat(p).as("accepted entry %s is inside the root", e.name).isNotNull();
			paths.add(p);
		}
		for (int i = 0; i < entries.size(); i++) {
			Entry e = entries.get(i);
			List<String> path = paths.get(i);
			Kind kind = kind(e);
			if (path.isEmpty() || kind == Kind.OTHER || path.get(path.size() - 1).startsWith(".wh.")
					|| isOverwritten(i, entries, paths)) {
				continue;
			}
			Path p = root.resolve(String.join("/", path));
			BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
			String what = "entry " + i + " " + e.name;
			switch (kind) {
				case DIRECTORY -> assertThat(a.isDirectory()).as(what).isTrue();
				case FILE -> {
					assertThat(a.isRegularFile()).as(what).isTrue();
					assertThat(Files.readAllBytes(p)).as(what).isEqualTo(e.data);
				}
				case SYMLINK -> {
					assertThat(a.isSymbolicLink()).as(what).isTrue();
					assertThat(Files.readSymbolicLink(p).toString()).as(what).isEqualTo(e.linkName);
				}
				case HARDLINK -> assertThat(a.isDirectory()).as(what).isFalse();
				case DEVICE -> assertThat(a.isOther()).as(what).isTrue();
				default -> throw new IllegalStateException(kind.toString());
			}
		}
	}

	/** Whether a later entry writes the same path or replaces one of its parents with a non-directory. */
	private static boolean isOverwritten(int index, List<Entry> entries, List<List<String>> paths) {
		List<String> path = paths.get(index);
		for (int j = index + 1; j < entries.size(); j++) {
			List<String> later = paths.get(j);
			Kind kind = kind(entries.get(j));
			if (kind == Kind.OTHER || (!later.isEmpty() && later.get(later.size() - 1).startsWith(".wh."))) {
				continue;
			}
			if (later.equals(path)) {
				return true;
			}
			boolean parent = later.size() < path.size() && path.subList(0, later.size()).equals(later);
			if (parent && kind != Kind.DIRECTORY) {
				return true;
			}
		}
		return false;
	}

	private enum Kind {

		FILE, DIRECTORY, SYMLINK, HARDLINK, DEVICE, OTHER

	}

	/** The entry's kind as the tar library reads it: a name ending in '/' makes any plain header a directory. */
	private static Kind kind(Entry e) {
		if (e.type == '5' || e.name.endsWith("/")) {
			return Kind.DIRECTORY;
		}
		return switch (e.type) {
			case '0', '\0', '7' -> Kind.FILE;
			case '2' -> Kind.SYMLINK;
			case '1' -> Kind.HARDLINK;
			case '3', '4', '6' -> Kind.DEVICE;
			default -> Kind.OTHER;
		};
	}

	/** The entry's path under the root, leading '/' stripped; null if it climbs out. */
	private static List<String> clean(String name) {
		Deque<String> stack = new ArrayDeque<>();
		for (String part : name.split("/")) {
			if (part.isEmpty() || part.equals(".")) {
				continue;
			}
			if (part.equals("..")) {
				if (stack.isEmpty()) {
					return null;
				}
				stack.removeLast();
				continue;
			}
			stack.addLast(part);
		}
		return new ArrayList<>(stack);
	}

	private static synchronized Workspace workspace() throws IOException {
		if (workspace == null) {
			workspace = new Workspace(Files.createTempDirectory("berth-fuzz-"));
		}
		return workspace;
	}

	/** A store and, beside it, a canary directory that link targets point at; both must stay as they were. */
	private static final class Workspace {

		final Path base;

		final Path canary;

		final EnginePaths paths;

		final BlobStore blobs;

		private final Map<String, String> before;

		Workspace(Path base) throws IOException {
			this.base = base;
			this.canary = Files.createDirectories(base.resolve("canary"));
			Files.writeString(this.canary.resolve("file"), "canary\n");
			Files.createDirectories(this.canary.resolve("sub"));
			Files.createSymbolicLink(this.canary.resolve("link"), Path.of("file"));
			// The root is base/data/tmp/img-layer-N, so "../../../canary" from it reaches the canary.
			this.paths = new EnginePaths(new EngineProperties(base.resolve("data").toString(),
					base.resolve("exec").toString()));
			this.blobs = new BlobStore(this.paths);
			this.before = snapshot();
		}

		void assertUntouched() throws IOException {
			assertThat(snapshot()).isEqualTo(this.before);
		}

		/** Every path under the workspace (the store's temp directory is empty between runs), the host's files. */
		private Map<String, String> snapshot() throws IOException {
			Map<String, String> out = new TreeMap<>();
			try (Stream<Path> s = Files.walk(this.base)) {
				s.forEach((p) -> out.put(this.base.relativize(p).toString(), describe(p, p.startsWith(this.canary))));
			}
			for (Path p : List.of(Path.of("/etc/passwd"), Path.of("/etc/shadow"))) {
				out.put(p.toString(), describe(p, true));
			}
			for (Path p : List.of(HostileLayers.HOST_ESCAPE, HostileLayers.HOST_ETC_ENTRY,
					HostileLayers.HOST_ROOT_ESCAPE, Path.of("/etc/a"), Path.of("/a"))) {
				out.put(p.toString(), Files.exists(p, LinkOption.NOFOLLOW_LINKS) ? "exists" : "absent");
			}
			return out;
		}

		/** Type for the store's directories, whose times change with each run; everything for host and canary. */
		private static String describe(Path p, boolean full) {
			try {
				Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,nlink,lastModifiedTime,ctime",
						LinkOption.NOFOLLOW_LINKS);
				if (!full) {
					return Integer.toOctalString((int) a.get("mode") & 0170000);
				}
				StringBuilder d = new StringBuilder(new TreeMap<>(a).toString());
				if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
					d.append(' ').append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).hashCode());
				}
				for (String xattr : XATTRS) {
					NativeFs.lgetxattr(p, xattr).ifPresent((v) -> d.append(' ').append(xattr));
				}
				return d.toString();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
