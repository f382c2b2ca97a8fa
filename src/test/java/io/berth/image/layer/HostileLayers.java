package io.berth.image.layer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.Deflater;
import java.util.zip.DeflaterInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile layer tars, each with the outcome Berth promises for it (security.md §2 and scenarios 29-38): refused with
 * a message naming the entry, or accepted with given properties on disk. Tars are written byte by byte here, not
 * with a tar library, so a case can carry what no well-behaved writer produces (NUL in a name, a PAX size of 2^63-1,
 * GNU sparse maps); the bombs are generated while they are read, so gigabytes never sit in memory.
 */
public final class HostileLayers {

	/** Where an escaping entry would land on the host; it must never exist. */
	public static final Path HOST_ESCAPE = Path.of("/tmp/berth-hostile-escape");

	/** The host twin of the absolute entry {@code /etc/berth-hostile-x}; it must never exist. */
	public static final Path HOST_ETC_ENTRY = Path.of("/etc/berth-hostile-x");

	/** The host twin of {@code /berth-hostile-escape}, reached by enough {@code ../}. */
	public static final Path HOST_ROOT_ESCAPE = Path.of("/berth-hostile-escape");

	/** Uncompressed bytes the gzip layers have handed out so far, to prove a bomb was stopped early. */
	public static final AtomicLong gzipInputRead = new AtomicLong();

	private static final int MIB = 1024 * 1024;

	private HostileLayers() {
	}

	/** A hostile layer and what must happen to it. */
	public record Case(String name, Layer layer, Expectation expected) {

		public InputStream open() throws IOException {
			return this.layer.open();
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	/** Opens the layer's bytes, compressed or not, afresh on each call. */
	@FunctionalInterface
	public interface Layer {

		InputStream open() throws IOException;

		static Layer of(byte[] bytes) {
			return () -> new ByteArrayInputStream(bytes);
		}

	}

	public sealed interface Expectation permits Refused, Accepted {

	}

	/**
	 * The layer is refused; the message contains {@code "entry"} in quotes (unless {@code entry} is null, for a
	 * stream that fails before any entry is at fault) and the reason.
	 */
	public record Refused(String entry, String reason) implements Expectation {

	}

	/** The layer is unpacked, and its root passes the check. */
	public record Accepted(RootCheck check) implements Expectation {

	}

	@FunctionalInterface
	public interface RootCheck {

		void verify(Path root) throws IOException;

	}

	/**
	 * Every case. {@code canary} is an existing directory outside any unpack root holding a file {@code file}, which
	 * symlinks in the cases point at; {@code maxSize} is the limit the layers are unpacked with, which the bombs
	 * exceed many times over.
	 */
	public static List<Case> all(Path canary, long maxSize) {
		return all(canary, maxSize, 4L * 1024 * MIB);
	}

	/**
	 * Every case, with bombs of {@code bombSize} uncompressed bytes instead of 4 GiB, for a test that must hold a
	 * bomb's tar whole (to push it to a registry) yet still exceed {@code maxSize} several times over.
	 */
	public static List<Case> all(Path canary, long maxSize, long bombSize) {
		String canaryDir = canary.toAbsolutePath().toString();
		String canaryFile = canary.resolve("file").toAbsolutePath().toString();
		List<Case> cases = new ArrayList<>();

		// Names (rule 1): strip a leading '/', refuse what is not local after cleaning.
		cases.add(refused("dotdot-escape", new Tar().file("../escape", "x"), "../escape", "escapes"));
		cases.add(refused("nested-dotdot-escape", new Tar().dir("a/").file("a/../../escape", "x"), "a/../../escape",
				"escapes"));
		String deep = "../".repeat(40);
		cases.add(refused("dotdot-to-host-tmp", new Tar().file(deep + "tmp/berth-hostile-escape", "x"),
				deep + "tmp/berth-hostile-escape", "escapes"));
		cases.add(refused("absolute-dotdot-escape", new Tar().file("/../../berth-hostile-escape", "x"),
				"/../../berth-hostile-escape", "escapes"));
		cases.add(accepted("absolute-name-is-root-relative", new Tar().file("/etc/berth-hostile-x", "inside"),
				(root) -> assertThat(root.resolve("etc/berth-hostile-x")).isRegularFile().hasContent("inside")));
		cases.add(refused("nul-in-pax-path", new Tar().entry(Entry.file("a\0/etc/passwd", "x")), "a\0/etc/passwd",
				"NUL"));
		String longPath = "d/".repeat(2100) + "f";
		cases.add(refused("path-longer-than-path-max", new Tar().file(longPath, "x"), longPath, "longer than"));
		String longName = "n".repeat(256);
		cases.add(refused("component-longer-than-name-max", new Tar().file(longName, "x"), longName,
				"component longer"));
		cases.add(refused("root-named-by-a-file", new Tar().file(".", "x", '0'), ".", "only a directory"));

		// Symlinks (rules 2 and 3): stored as given, never written through.
		cases.add(refused("symlink-absolute-escape", new Tar().symlink("link", "/etc").file("link/passwd", "pwned"),
				"link/passwd", "symlink"));
		cases.add(refused("symlink-relative-escape", new Tar().symlink("link", "../../..").file("link/x", "pwned"),
				"link/x", "symlink"));
		cases.add(refused("symlink-to-canary", new Tar().symlink("link", canaryDir).file("link/planted", "pwned"),
				"link/planted", "symlink"));
		cases.add(refused("symlink-chain-out",
				new Tar().symlink("a", "b").symlink("b", "c").symlink("c", canaryDir).file("a/planted", "pwned"),
				"a/planted", "symlink"));
		cases.add(refused("symlink-chain-up-and-up",
				new Tar().dir("d/").symlink("d/up", "..").file("d/up/up/up/up/planted", "pwned"),
				"d/up/up/up/up/planted", "symlink"));
		cases.add(refused("symlink-loop", new Tar().symlink("l", "l").file("l/x", "pwned"), "l/x", "symlink"));
		cases.add(refused("symlink-parent-of-directory", new Tar().symlink("etc", "/etc").dir("etc/cron.d/"),
				"etc/cron.d/", "symlink"));
		cases.add(accepted("symlink-then-file-replaces-link",
				new Tar().symlink("x", "/etc/shadow").file("x", "mine"), (root) -> {
					assertThat(root.resolve("x")).isRegularFile().hasContent("mine");
					assertThat(Files.isSymbolicLink(root.resolve("x"))).isFalse();
				}));
		cases.add(accepted("symlink-then-file-keeps-target-metadata",
				new Tar().symlink("x", canaryFile).entry(Entry.file("x", "mine").mode(04777).owner(1234, 1234)),
				(root) -> {
					assertThat(root.resolve("x")).hasContent("mine");
					assertThat(mode(root.resolve("x"))).isEqualTo(04777);
					assertThat(Files.getAttribute(root.resolve("x"), "unix:uid")).isEqualTo(1234);
				}));
		cases.add(accepted("symlink-then-directory", new Tar().symlink("x", canaryDir)
			.entry(Entry.dir("x/").mode(0700)).file("x/inner", "in"), (root) -> {
				assertThat(Files.isSymbolicLink(root.resolve("x"))).isFalse();
				assertThat(root.resolve("x")).isDirectory();
				assertThat(root.resolve("x/inner")).hasContent("in");
			}));
		cases.add(accepted("symlink-metadata-is-not-followed",
				new Tar().entry(Entry.symlink("s", canaryFile).mode(0777).owner(4321, 4321).mtime(86400)
					.pax("SCHILY.xattr.user.berth", "set")),
				(root) -> {
					assertThat(Files.readSymbolicLink(root.resolve("s")).toString()).isEqualTo(canaryFile);
					assertThat(Files.getAttribute(root.resolve("s"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
						.isEqualTo(4321);
				}));
		cases.add(accepted("symlinks-may-point-anywhere",
				new Tar().symlink("abs", "/etc/shadow").symlink("rel", "../../../../etc").symlink("odd", "a//b/../")
					.symlink("dangling", "nowhere"),
				(root) -> {
					assertThat(Files.readSymbolicLink(root.resolve("abs")).toString()).isEqualTo("/etc/shadow");
					assertThat(Files.readSymbolicLink(root.resolve("rel")).toString()).isEqualTo("../../../../etc");
					assertThat(Files.readSymbolicLink(root.resolve("odd")).toString()).isEqualTo("a//b/../");
					assertThat(Files.readSymbolicLink(root.resolve("dangling")).toString()).isEqualTo("nowhere");
				}));

		// Hardlinks (rule 4): the target resolves inside the root, without symlinks, and exists in this layer.
		cases.add(refused("hardlink-absolute-host-file", new Tar().hardlink("p", "/etc/passwd"), "p",
				"does not exist"));
		cases.add(accepted("hardlink-absolute-is-root-relative",
				new Tar().file("etc/passwd", "root:x:0:0::/root:/bin/sh\n").hardlink("p", "/etc/passwd"), (root) -> {
					Object inode = Files.getAttribute(root.resolve("etc/passwd"), "unix:ino");
					assertThat(Files.getAttribute(root.resolve("p"), "unix:ino")).isEqualTo(inode);
					assertThat(inode).isNotEqualTo(Files.getAttribute(Path.of("/etc/passwd"), "unix:ino"));
					assertThat(root.resolve("p")).hasContent("root:x:0:0::/root:/bin/sh\n");
				}));
		cases.add(refused("hardlink-dotdot", new Tar().hardlink("p", "../../etc/passwd"), "p", "escapes"));
		cases.add(refused("hardlink-many-dotdot", new Tar().hardlink("p", deep + "etc/passwd"), "p", "escapes"));
		cases.add(refused("hardlink-down-and-out", new Tar().dir("a/b/").hardlink("p", "a/b/../../../etc/passwd"), "p",
				"escapes"));
		cases.add(refused("hardlink-through-symlinked-dir", new Tar().symlink("etc", "/etc").hardlink("p", "etc/passwd"),
				"p", "symlink"));
		cases.add(refused("hardlink-through-in-root-symlink",
				new Tar().file("real/f", "x").symlink("alias", "real").hardlink("p", "alias/f"), "p", "symlink"));
		cases.add(refused("hardlink-to-directory", new Tar().dir("d/").hardlink("p", "d"), "p", "directory"));
		cases.add(refused("hardlink-replacing-its-own-parent", new Tar().file("d/f", "x").hardlink("d", "d/f"), "d",
				"inside"));
		cases.add(accepted("hardlink-to-escaping-symlink-links-the-link",
				new Tar().symlink("s", "/etc/passwd").hardlink("p", "s"), (root) -> {
					assertThat(Files.isSymbolicLink(root.resolve("p"))).isTrue();
					assertThat(Files.readSymbolicLink(root.resolve("p")).toString()).isEqualTo("/etc/passwd");
					assertThat(Files.getAttribute(root.resolve("p"), "unix:ino", LinkOption.NOFOLLOW_LINKS))
						.isEqualTo(Files.getAttribute(root.resolve("s"), "unix:ino", LinkOption.NOFOLLOW_LINKS));
				}));

		// Whiteouts (rule 8).
		cases.add(refused("whiteout-dotdot", new Tar().file(".wh...", ""), ".wh...", "whiteout"));
		cases.add(refused("whiteout-dot-in-dir", new Tar().dir("dir/").file("dir/.wh..", ""), "dir/.wh..",
				"whiteout"));
		cases.add(refused("whiteout-dotdot-in-dir", new Tar().dir("dir/").file("dir/.wh...", ""), "dir/.wh...",
				"whiteout"));
		cases.add(refused("whiteout-empty-name", new Tar().file(".wh.", ""), ".wh.", "whiteout"));
		cases.add(refused("whiteout-above-root", new Tar().file("../.wh.canary", ""), "../.wh.canary", "escapes"));
		cases.add(refused("whiteout-through-symlink", new Tar().symlink("d", canaryDir).file("d/.wh.file", ""),
				"d/.wh.file", "symlink"));
		cases.add(refused("opaque-through-symlink", new Tar().symlink("d", canaryDir).file("d/.wh..wh..opq", ""),
				"d/.wh..wh..opq", "symlink"));
		cases.add(accepted("whiteouts-become-overlay-whiteouts",
				new Tar().dir("etc/").file("etc/.wh.hosts", "").dir("opt/").file("opt/kept", "kept")
					.file("opt/.wh..wh..opq", "").file("opt/.wh..wh.plnk", ""),
				(root) -> {
					Path hosts = root.resolve("etc/hosts");
					assertThat(mode(hosts, 0170000)).isEqualTo(NativeFs.S_IFCHR);
					assertThat(Files.getAttribute(hosts, "unix:rdev", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0L);
					assertThat(NativeFs.lgetxattr(root.resolve("opt"), LayerUnpacker.OPAQUE_XATTR))
						.hasValueSatisfying((v) -> assertThat(v).containsExactly('y'));
					assertThat(root.resolve("opt/kept")).hasContent("kept");
					assertThat(root.resolve("etc/.wh.hosts")).doesNotExist();
					assertThat(root.resolve("opt/.wh..wh..opq")).doesNotExist();
					assertThat(root.resolve("opt/.wh..wh.plnk")).doesNotExist();
				}));

		// Overlay xattrs from the archive (rule 7).
		cases.add(refused("pax-opaque-xattr",
				new Tar().entry(Entry.dir("d/").pax("SCHILY.xattr.trusted.overlay.opaque", "y")), "d/",
				"trusted.overlay.opaque"));
		cases.add(refused("pax-redirect-xattr",
				new Tar().entry(Entry.dir("d/").pax("SCHILY.xattr.trusted.overlay.redirect", "/etc")), "d/",
				"trusted.overlay.redirect"));
		cases.add(refused("pax-user-overlay-metacopy",
				new Tar().entry(Entry.file("f", "x").pax("LIBARCHIVE.xattr.user.overlay.metacopy", "eQ==")), "f",
				"user.overlay.metacopy"));
		cases.add(accepted("pax-user-xattr-kept-trusted-dropped",
				new Tar().entry(Entry.file("f", "x").pax("SCHILY.xattr.user.note", "hello")
					.pax("SCHILY.xattr.trusted.berth", "no")),
				(root) -> {
					assertThat(NativeFs.lgetxattr(root.resolve("f"), "user.note"))
						.hasValueSatisfying((v) -> assertThat(new String(v, StandardCharsets.UTF_8)).isEqualTo("hello"));
					assertThat(NativeFs.lgetxattr(root.resolve("f"), "trusted.berth")).isEmpty();
				}));
		cases.add(refused("xattr-name-too-long",
				new Tar().entry(Entry.file("f", "x").pax("SCHILY.xattr.user." + "k".repeat(300), "v")), "f",
				"xattr"));

		// Special files and modes (rules 5 and 6): created as given when rootful, setuid kept.
		cases.add(accepted("device-nodes-and-fifo",
				new Tar().entry(Entry.device("dev/null", '3', 1, 3).mode(0666))
					.entry(Entry.device("dev/sda", '4', 8, 0).mode(0660))
					.entry(Entry.device("run/fifo", '6', 0, 0).mode(0600)),
				(root) -> {
					assertThat(mode(root.resolve("dev/null"), 0170000)).isEqualTo(NativeFs.S_IFCHR);
					assertThat(Files.getAttribute(root.resolve("dev/null"), "unix:rdev", LinkOption.NOFOLLOW_LINKS))
						.isEqualTo(NativeFs.makedev(1, 3));
					assertThat(mode(root.resolve("dev/sda"), 0170000)).isEqualTo(NativeFs.S_IFBLK);
					assertThat(Files.getAttribute(root.resolve("dev/sda"), "unix:rdev", LinkOption.NOFOLLOW_LINKS))
						.isEqualTo(NativeFs.makedev(8, 0));
					assertThat(mode(root.resolve("dev/sda"))).isEqualTo(0660);
					assertThat(mode(root.resolve("run/fifo"), 0170000)).isEqualTo(NativeFs.S_IFIFO);
				}));
		cases.add(accepted("setuid-setgid-sticky-kept",
				new Tar().entry(Entry.file("bin/su", "#!/bin/sh\n").mode(04755))
					.entry(Entry.file("bin/wall", "#!/bin/sh\n").mode(02755).owner(0, 5))
					.entry(Entry.file("bin/user-suid", "#!/bin/sh\n").mode(06750).owner(1000, 1000))
					.entry(Entry.dir("tmp/").mode(01777)),
				(root) -> {
					assertThat(mode(root.resolve("bin/su"))).isEqualTo(04755);
					assertThat(mode(root.resolve("bin/wall"))).isEqualTo(02755);
					assertThat(Files.getAttribute(root.resolve("bin/wall"), "unix:gid")).isEqualTo(5);
					assertThat(mode(root.resolve("bin/user-suid"))).isEqualTo(06750);
					assertThat(Files.getAttribute(root.resolve("bin/user-suid"), "unix:uid")).isEqualTo(1000);
					assertThat(mode(root.resolve("tmp"))).isEqualTo(01777);
				}));

		// Sizes (rule 9): declared sizes count, so a header alone can refuse a layer.
		cases.add(refused("pax-size-of-2^63-1", new Tar().entry(Entry.file("big", "").declaredSize(Long.MAX_VALUE)),
				"big", "maximum size"));
		cases.add(refused("pax-size-overflowing-the-total",
				new Tar().file("small", "x").entry(Entry.file("big", "").declaredSize(Long.MAX_VALUE - 700)), "big",
				"maximum size"));
		cases.add(refused("gnu-sparse-huge-real-size",
				new Tar().entry(Entry.file("sparse", "data").sparse(Integer.MAX_VALUE)), "sparse", "maximum size"));
		cases.add(refused("gnu-sparse-real-size-beyond-2^31",
				new Tar().file("before", "x").entry(Entry.file("sparse", "data").sparse(Long.MAX_VALUE - 1024)),
				null, "unreadable tar header after entry \"before\""));
		cases.add(refused("gnu-sparse-real-size-past-limit",
				new Tar().entry(Entry.file("sparse", "data").sparse(maxSize + 1)), "sparse", "maximum size"));
		cases.add(new Case("gzip-bomb-one-entry", gzipped(() -> bombOneEntry(bombSize)),
				new Refused("bomb", "maximum size")));
		int perEntry = MIB;
		long crossing = maxSize / (perEntry + Tar.BLOCK);
		cases.add(new Case("gzip-bomb-many-entries", gzipped(() -> bombManyEntries(bombSize / perEntry, perEntry)),
				new Refused(String.format("bomb/%06d", crossing), "maximum size")));
		cases.add(new Case("gzip-bomb-after-end-of-archive",
				gzipped(() -> new SequenceInputStream(new ByteArrayInputStream(new Tar().file("f", "x").bytes()),
						zeros(bombSize))),
				new Refused(null, "exceeds")));

		// Replacements and duplicates (rule 1 and the OCI "entries replace existing paths").
		cases.add(accepted("directory-replaced-by-file",
				new Tar().dir("d/").symlink("d/link", canaryDir).file("d/f", "x").file("d", "now a file"),
				(root) -> assertThat(root.resolve("d")).isRegularFile().hasContent("now a file")));
		cases.add(accepted("file-replaced-by-directory", new Tar().file("f", "x").dir("f/").file("f/inner", "in"),
				(root) -> assertThat(root.resolve("f/inner")).hasContent("in")));
		cases.add(accepted("duplicates-last-wins-directories-merge",
				new Tar().file("dup", "one").file("dup", "two").entry(Entry.dir("d/").mode(0700)).file("d/a", "a")
					.entry(Entry.dir("d/").mode(0750)),
				(root) -> {
					assertThat(root.resolve("dup")).hasContent("two");
					assertThat(root.resolve("d/a")).hasContent("a");
					assertThat(mode(root.resolve("d"))).isEqualTo(0750);
				}));
		byte[] smuggledHeader = new Tar().file("smuggled", "").unterminated();
		cases.add(refused("directory-header-carrying-data",
				new Tar().entry(Entry.typed("d/", '0', smuggledHeader)).file("after", "x"), "d/", "directory entry"));
		cases.add(refused("file-under-a-file", new Tar().file("f", "x").file("f/x", "y"), "f/x", "not a directory"));
		return cases;
	}

	private static Case refused(String name, Tar tar, String entry, String reason) {
		return new Case(name, Layer.of(tar.bytes()), new Refused(entry, reason));
	}

	private static Case accepted(String name, Tar tar, RootCheck check) {
		return new Case(name, Layer.of(tar.bytes()), new Accepted(check));
	}

	private static int mode(Path p) throws IOException {
		return mode(p, 07777);
	}

	private static int mode(Path p, int mask) throws IOException {
		return (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & mask;
	}

	private static InputStream bombOneEntry(long size) {
		Entry e = Entry.file("bomb", "").declaredSize(size);
		ByteArrayOutputStream header = new ByteArrayOutputStream();
		Tar.writeHeaders(header, e);
		return new SequenceInputStream(new ByteArrayInputStream(header.toByteArray()), zeros(size));
	}

	private static InputStream bombManyEntries(long count, int size) {
		Iterator<InputStream> parts = new Iterator<>() {

			private long next;

			@Override
			public boolean hasNext() {
				return this.next < count;
			}

			@Override
			public InputStream next() {
				if (!hasNext()) {
					throw new NoSuchElementException();
				}
				ByteArrayOutputStream header = new ByteArrayOutputStream();
				Tar.writeHeaders(header, Entry.file(String.format("bomb/%06d", this.next++), "").declaredSize(size));
				return new SequenceInputStream(new ByteArrayInputStream(header.toByteArray()), zeros(size));
			}

		};
		return new SequenceInputStream(new Enumeration<>() {

			@Override
			public boolean hasMoreElements() {
				return parts.hasNext();
			}

			@Override
			public InputStream nextElement() {
				return parts.next();
			}

		});
	}

	/** A stream of {@code size} zero bytes that holds no more than one buffer. */
	public static InputStream zeros(long size) {
		return new InputStream() {

			private long left = size;

			@Override
			public int read() {
				if (this.left <= 0) {
					return -1;
				}
				this.left--;
				return 0;
			}

			@Override
			public int read(byte[] b, int off, int len) {
				if (this.left <= 0) {
					return -1;
				}
				int n = (int) Math.min(len, this.left);
				Arrays.fill(b, off, off + n, (byte) 0);
				this.left -= n;
				return n;
			}

		};
	}

	/** Gzips the stream as it is read, so a layer of gigabytes costs only what the reader takes of it. */
	public static Layer gzipped(Supplier<InputStream> source) {
		return () -> gzip(counting(source.get()));
	}

	private static InputStream counting(InputStream in) {
		return new java.io.FilterInputStream(in) {

			@Override
			public int read() throws IOException {
				int b = super.read();
				if (b >= 0) {
					gzipInputRead.incrementAndGet();
				}
				return b;
			}

			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				int n = super.read(b, off, len);
				if (n > 0) {
					gzipInputRead.addAndGet(n);
				}
				return n;
			}

		};
	}

	/** RFC 1952 framing around a raw deflate stream; the trailer is computed once the source is drained. */
	public static InputStream gzip(InputStream source) {
		CRC32 crc = new CRC32();
		long[] length = new long[1];
		InputStream checked = new CheckedInputStream(source, crc) {

			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				int n = super.read(b, off, len);
				if (n > 0) {
					length[0] += n;
				}
				return n;
			}

		};
		byte[] header = { 0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff };
		InputStream body = new DeflaterInputStream(checked, new Deflater(Deflater.BEST_SPEED, true), 64 * 1024);
		InputStream trailer = new LazyStream(() -> {
			long c = crc.getValue();
			long n = length[0];
			return new ByteArrayInputStream(new byte[] { (byte) c, (byte) (c >> 8), (byte) (c >> 16), (byte) (c >> 24),
					(byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24) });
		});
		return new SequenceInputStream(
				Collections.enumeration(List.of(new ByteArrayInputStream(header), body, trailer)));
	}

	/** Opens its stream on first read, so a gzip trailer sees the CRC of everything before it. */
	private static final class LazyStream extends InputStream {

		private final Supplier<InputStream> supplier;

		private InputStream in;

		LazyStream(Supplier<InputStream> supplier) {
			this.supplier = supplier;
		}

		private InputStream in() {
			if (this.in == null) {
				this.in = this.supplier.get();
			}
			return this.in;
		}

		@Override
		public int read() throws IOException {
			return in().read();
		}

		@Override
		public int read(byte[] b, int off, int len) throws IOException {
			return in().read(b, off, len);
		}

	}

	/** One tar entry as its headers will say it, whatever a real file system would allow. */
	public static final class Entry {

		final String name;

		final char type;

		final byte[] data;

		String linkName = "";

		int mode;

		long uid;

		long gid;

		long mtime = 1_577_836_800L;

		long major;

		long minor;

		long declaredSize = -1;

		long sparseRealSize = -1;

		final Map<String, String> pax = new LinkedHashMap<>();

		Entry(String name, char type, byte[] data) {
			this.name = name;
			this.type = type;
			this.data = data;
			this.mode = (type == '5') ? 0755 : 0644;
		}

		public static Entry file(String name, String content) {
			return new Entry(name, '0', content.getBytes(StandardCharsets.UTF_8));
		}

		public static Entry file(String name, byte[] content) {
			return new Entry(name, '0', content);
		}

		public static Entry dir(String name) {
			return new Entry(name, '5', new byte[0]);
		}

		public static Entry symlink(String name, String target) {
			Entry e = new Entry(name, '2', new byte[0]);
			e.linkName = target;
			e.mode = 0777;
			return e;
		}

		public static Entry hardlink(String name, String target) {
			Entry e = new Entry(name, '1', new byte[0]);
			e.linkName = target;
			return e;
		}

		/** A character ({@code '3'}) or block ({@code '4'}) device, or a FIFO ({@code '6'}). */
		public static Entry device(String name, char type, long major, long minor) {
			Entry e = new Entry(name, type, new byte[0]);
			e.major = major;
			e.minor = minor;
			return e;
		}

		/** Any type flag, including ones Berth does not know. */
		public static Entry typed(String name, char type, byte[] data) {
			return new Entry(name, type, data);
		}

		public Entry mode(int mode) {
			this.mode = mode;
			return this;
		}

		public Entry owner(long uid, long gid) {
			this.uid = uid;
			this.gid = gid;
			return this;
		}

		public Entry mtime(long seconds) {
			this.mtime = seconds;
			return this;
		}

		public Entry pax(String key, String value) {
			this.pax.put(key, value);
			return this;
		}

		public Entry linkName(String linkName) {
			this.linkName = linkName;
			return this;
		}

		/** A size in the headers other than the data's length; the data written is still only {@link #data}. */
		public Entry declaredSize(long size) {
			this.declaredSize = size;
			return this;
		}

		/** A PAX GNU sparse 1.0 file whose data is one region at offset 0, with the given apparent size. */
		public Entry sparse(long realSize) {
			this.sparseRealSize = realSize;
			return this;
		}

	}

	/** Writes entries as raw ustar and PAX headers, then the two zero blocks that end an archive. */
	public static final class Tar {

		static final int BLOCK = 512;

		private final ByteArrayOutputStream out = new ByteArrayOutputStream();

		public Tar entry(Entry e) {
			writeHeaders(this.out, e);
			byte[] data = (e.sparseRealSize >= 0) ? sparseData(e) : e.data;
			this.out.writeBytes(data);
			pad(this.out, data.length);
			return this;
		}

		public Tar file(String name, String content) {
			return entry(Entry.file(name, content));
		}

		public Tar file(String name, String content, char type) {
			return entry(Entry.typed(name, type, content.getBytes(StandardCharsets.UTF_8)));
		}

		public Tar dir(String name) {
			return entry(Entry.dir(name));
		}

		public Tar symlink(String name, String target) {
			return entry(Entry.symlink(name, target));
		}

		public Tar hardlink(String name, String target) {
			return entry(Entry.hardlink(name, target));
		}

		/** Raw bytes as they are, for a truncated or corrupt archive. */
		public Tar raw(byte[] bytes) {
			this.out.writeBytes(bytes);
			return this;
		}

		/** The archive with its end-of-archive marker. */
		public byte[] bytes() {
			ByteArrayOutputStream copy = new ByteArrayOutputStream();
			copy.writeBytes(this.out.toByteArray());
			copy.writeBytes(new byte[2 * BLOCK]);
			return copy.toByteArray();
		}

		/** The archive without an end-of-archive marker. */
		public byte[] unterminated() {
			return this.out.toByteArray();
		}

		static void writeHeaders(ByteArrayOutputStream out, Entry e) {
			Map<String, String> pax = new LinkedHashMap<>(e.pax);
			byte[] nameBytes = e.name.getBytes(StandardCharsets.UTF_8);
			byte[] linkBytes = e.linkName.getBytes(StandardCharsets.UTF_8);
			boolean special = nameBytes.length > 99 || !isPlain(e.name);
			if (special) {
				pax.put("path", e.name);
			}
			if (linkBytes.length > 99 || !isPlain(e.linkName)) {
				pax.put("linkpath", e.linkName);
			}
			long size = (e.declaredSize >= 0) ? e.declaredSize : e.data.length;
			if (e.sparseRealSize >= 0) {
				pax.put("GNU.sparse.major", "1");
				pax.put("GNU.sparse.minor", "0");
				pax.put("GNU.sparse.name", e.name);
				pax.put("GNU.sparse.realsize", Long.toString(e.sparseRealSize));
				size = sparseData(e).length;
			}
			if (size > 077777777777L) {
				pax.put("size", Long.toString(size));
			}
			if (!pax.isEmpty()) {
				byte[] records = paxRecords(pax);
				out.writeBytes(header("PaxHeaders/" + Math.abs(e.name.hashCode()), 'x', records.length, 0644, "",
						0, 0, 0, 0, 0));
				out.writeBytes(records);
				pad(out, records.length);
			}
			String ustarName = special ? "pax-long-name" : e.name;
			String ustarLink = (linkBytes.length > 99 || !isPlain(e.linkName)) ? "" : e.linkName;
			out.writeBytes(header(ustarName, e.type, Math.min(size, 077777777777L), e.mode, ustarLink, e.uid, e.gid,
					e.mtime, e.major, e.minor));
		}

		/** The GNU sparse 1.0 map (one region covering the data) in its own block, then the data. */
		private static byte[] sparseData(Entry e) {
			String map = "1\n0\n" + e.data.length + "\n";
			ByteArrayOutputStream b = new ByteArrayOutputStream();
			b.writeBytes(map.getBytes(StandardCharsets.US_ASCII));
			pad(b, map.length());
			b.writeBytes(e.data);
			return b.toByteArray();
		}

		private static boolean isPlain(String s) {
			for (int i = 0; i < s.length(); i++) {
				char c = s.charAt(i);
				if (c < 0x20 || c > 0x7e) {
					return false;
				}
			}
			return true;
		}

		private static byte[] paxRecords(Map<String, String> pax) {
			ByteArrayOutputStream b = new ByteArrayOutputStream();
			for (Map.Entry<String, String> r : pax.entrySet()) {
				byte[] body = (" " + r.getKey() + "=" + r.getValue() + "\n").getBytes(StandardCharsets.UTF_8);
				int len = body.length + 1;
				while (len != body.length + Integer.toString(len).length()) {
					len = body.length + Integer.toString(len).length();
				}
				b.writeBytes(Integer.toString(len).getBytes(StandardCharsets.US_ASCII));
				b.writeBytes(body);
			}
			return b.toByteArray();
		}

		private static byte[] header(String name, char type, long size, int mode, String link, long uid, long gid,
				long mtime, long major, long minor) {
			byte[] h = new byte[BLOCK];
			put(h, 0, 100, name.getBytes(StandardCharsets.UTF_8));
			octal(h, 100, 8, mode & 07777777);
			octal(h, 108, 8, uid & 07777777);
			octal(h, 116, 8, gid & 07777777);
			octal(h, 124, 12, size);
			octal(h, 136, 12, mtime & 077777777777L);
			h[156] = (byte) type;
			put(h, 157, 100, link.getBytes(StandardCharsets.UTF_8));
			put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
			put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
			put(h, 265, 32, "root".getBytes(StandardCharsets.US_ASCII));
			put(h, 297, 32, "root".getBytes(StandardCharsets.US_ASCII));
			octal(h, 329, 8, major & 07777777);
			octal(h, 337, 8, minor & 07777777);
			Arrays.fill(h, 148, 156, (byte) ' ');
			long sum = 0;
			for (byte b : h) {
				sum += b & 0xff;
			}
			octal(h, 148, 7, sum);
			return h;
		}

		private static void put(byte[] h, int off, int len, byte[] value) {
			System.arraycopy(value, 0, h, off, Math.min(len, value.length));
		}

		private static void octal(byte[] h, int off, int len, long value) {
			String s = Long.toOctalString(value);
			String padded = "0".repeat(Math.max(0, len - 1 - s.length())) + s;
			put(h, off, len - 1, padded.getBytes(StandardCharsets.US_ASCII));
		}

		private static void pad(ByteArrayOutputStream out, int length) {
			int rest = length % BLOCK;
			if (rest != 0) {
				out.writeBytes(new byte[BLOCK - rest]);
			}
		}

	}

}
