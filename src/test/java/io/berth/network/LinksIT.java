package io.berth.network;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.berth.error.SystemException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link Links} against the real kernel, as root: a bridge and a veth pair of this test's own, with random names,
 * are made with {@code ip} in the host's namespace, seen through rtnetlink, deleted through it, and removed again
 * whatever happens, so no other interface is touched.
 */
class LinksIT {

	private final Links links = new Links();

	private String bridge;

	private String vethA;

	private String vethB;

	@BeforeEach
	void createInterfaces() throws Exception {
		String id = String.format("%06x", ThreadLocalRandom.current().nextInt(0x1000000));
		this.bridge = "bti" + id;
		this.vethA = "vti" + id + "a";
		this.vethB = "vti" + id + "b";
		ip("link", "add", this.bridge, "type", "bridge");
		ip("link", "add", this.vethA, "type", "veth", "peer", "name", this.vethB);
		ip("link", "set", this.vethA, "master", this.bridge);
		ip("link", "set", this.vethA, "up");
	}

	@AfterEach
	void removeInterfaces() throws Exception {
		for (String name : new String[] { this.vethA, this.vethB, this.bridge }) {
			if (exists(name)) {
				run("ip", "link", "del", name);
			}
		}
	}

	@Test
	void listShowsKindsMastersIndexesAndState() throws Exception {
		List<Link> all = this.links.list();
		Link br = find(all, this.bridge);
		Link a = find(all, this.vethA);
		Link b = find(all, this.vethB);
		assertThat(br.kind()).isEqualTo("bridge");
		assertThat(br.masterIndex()).isZero();
		assertThat(br.index()).isEqualTo(sysIndex(this.bridge));
		assertThat(a.kind()).isEqualTo("veth");
		assertThat(a.masterIndex()).isEqualTo(br.index());
		assertThat(a.index()).isEqualTo(sysIndex(this.vethA));
		assertThat(a.up()).isTrue();
		assertThat(b.kind()).isEqualTo("veth");
		assertThat(b.masterIndex()).isZero();
		assertThat(b.index()).isEqualTo(sysIndex(this.vethB));
		assertThat(b.up()).isFalse();
		Link lo = find(all, "lo");
		assertThat(lo.kind()).isEmpty();
		assertThat(lo.masterIndex()).isZero();
		assertThat(lo.index()).isEqualTo(sysIndex("lo"));
		// One entry per interface: a multipart dump read to its end, nothing read twice.
		assertThat(all).extracting(Link::index).doesNotHaveDuplicates();
		assertThat(all).extracting(Link::name).doesNotHaveDuplicates();
	}

	@Test
	void deletingOneEndOfAVethRemovesBoth() throws Exception {
		assertThat(this.links.delete(this.vethA)).isTrue();
		assertThat(exists(this.vethA)).isFalse();
		assertThat(exists(this.vethB)).isFalse();
		String shown = run("ip", "-o", "link", "show");
		assertThat(shown).doesNotContain(this.vethA).doesNotContain(this.vethB).contains(this.bridge);
		assertThat(this.links.list()).extracting(Link::name)
			.doesNotContain(this.vethA, this.vethB)
			.contains(this.bridge);
		assertThat(this.links.delete(this.vethB)).isFalse();
	}

	@Test
	void deletingTheBridgeLeavesTheVeth() throws Exception {
		assertThat(this.links.delete(this.bridge)).isTrue();
		assertThat(exists(this.bridge)).isFalse();
		List<Link> all = this.links.list();
		assertThat(all).extracting(Link::name).doesNotContain(this.bridge);
		assertThat(find(all, this.vethA).masterIndex()).isZero();
	}

	@Test
	void deletingAMissingInterfaceIsFalse() {
		String missing = "bti" + "zz" + String.format("%06x", ThreadLocalRandom.current().nextInt(0x1000000));
		assertThat(exists(missing)).isFalse();
		assertThat(this.links.delete(missing)).isFalse();
	}

	@Test
	void invalidNamesAreRefusedBeforeTheKernel() {
		for (String bad : new String[] { "", ".", "..", "a/b", this.vethA + "toolongname" }) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> this.links.delete(bad));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> this.links.delete(null));
	}

	@Test
	void otherErrorsNameTheInterfaceAndTheErrno() {
		// The loopback device has no link ops, so the kernel refuses to delete it with EOPNOTSUPP.
		assertThatExceptionOfType(SystemException.class).isThrownBy(() -> this.links.delete("lo"))
			.withMessageContaining("lo")
			.withMessageContaining("Operation not supported");
		assertThat(exists("lo")).isTrue();
	}

	@Test
	void callsFromManyThreadsEachUseTheirOwnSocket() throws Exception {
		List<Thread> threads = new ArrayList<>();
		List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
		for (int i = 0; i < 8; i++) {
			Thread t = new Thread(() -> {
				try {
					for (int j = 0; j < 20; j++) {
						assertThat(this.links.list()).extracting(Link::name).contains(this.bridge, this.vethA);
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			threads.add(t);
			t.start();
		}
		for (Thread t : threads) {
			t.join(TimeUnit.SECONDS.toMillis(60));
		}
		assertThat(failures).isEmpty();
	}

	private static Link find(List<Link> all, String name) {
		Optional<Link> link = all.stream().filter((l) -> l.name().equals(name)).findFirst();
		assertThat(link).as("interface " + name + " in " + all).isPresent();
		return link.get();
	}

	private static boolean exists(String name) {
		return Files.exists(Path.of("/sys/class/net", name));
	}

	private static int sysIndex(String name) throws IOException {
		return Integer.parseInt(Files.readString(Path.of("/sys/class/net", name, "ifindex")).strip());
	}

	private static void ip(String... args) throws Exception {
		String[] cmd = new String[args.length + 1];
		cmd[0] = "ip";
		System.arraycopy(args, 0, cmd, 1, args.length);
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(p.waitFor()).as(String.join(" ", cmd) + ": " + out).isZero();
	}

	private static String run(String... cmd) throws Exception {
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
		String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		p.waitFor();
		return out;
	}

}
