package io.berth.container;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link SeccompProfile}: Docker's default profile rendered for a capability set and an architecture. */
class SeccompProfileTests {

	private static final String KERNEL = "6.18.44-fc-v669";

	private static final long CLONE_NAMESPACE_FLAGS = 2114060288L;

	private final SeccompProfile profile = SeccompProfile.builtIn(KERNEL);

	@Test
	void defaultCapsLeaveMountOutAndKeepTheCloneRestriction() {
		Map<String, Object> oci = this.profile.forCapabilities(defaultCaps(), "x86_64");
		for (String call : List.of("mount", "umount2", "unshare", "setns", "fsopen", "sethostname", "bpf",
				"perf_event_open", "syslog", "keyctl", "io_uring_setup")) {
			assertThat(rules(oci, call)).as(call).isEmpty();
		}
		assertThat(rules(oci, "clone")).singleElement().satisfies((r) -> {
			assertThat(r.get("action")).isEqualTo("SCMP_ACT_ALLOW");
			assertThat(args(r)).singleElement().satisfies((a) -> {
				assertThat(a.get("index")).isEqualTo(0);
				assertThat(((Number) a.get("value")).longValue()).isEqualTo(CLONE_NAMESPACE_FLAGS);
				assertThat(a.get("op")).isEqualTo("SCMP_CMP_MASKED_EQ");
			});
		});
		assertThat(rules(oci, "clone3")).singleElement().satisfies((r) -> {
			assertThat(r.get("action")).isEqualTo("SCMP_ACT_ERRNO");
			assertThat(r.get("errnoRet")).isEqualTo(38);
		});
		assertThat(allowed(oci)).contains("read", "execve", "chroot", "ptrace", "process_vm_readv");
	}

	@Test
	void sysAdminAllowsMountUnshareSetnsAndDropsTheCloneRestriction() {
		Map<String, Object> oci = this.profile.forCapabilities(with("CAP_SYS_ADMIN"), "x86_64");
		assertThat(allowed(oci)).contains("mount", "umount2", "unshare", "setns", "clone", "clone3", "fsopen",
				"move_mount", "sethostname", "setdomainname", "quotactl");
		assertThat(rules(oci, "clone")).allSatisfy((r) -> assertThat(r).doesNotContainKey("args"));
		assertThat(rules(oci, "clone3")).allSatisfy((r) -> assertThat(r.get("action")).isEqualTo("SCMP_ACT_ALLOW"));
	}

	@ParameterizedTest
	@CsvSource({ "SYS_TIME, settimeofday clock_settime clock_settime64 stime",
			"SYS_PTRACE, kcmp pidfd_getfd process_madvise", "SYS_MODULE, init_module finit_module delete_module",
			"SYS_BOOT, reboot", "SYS_NICE, mbind set_mempolicy get_mempolicy", "SYSLOG, syslog",
			"SYS_RAWIO, iopl ioperm", "SYS_PACCT, acct", "SYS_TTY_CONFIG, vhangup", "BPF, bpf",
			"PERFMON, perf_event_open", "DAC_READ_SEARCH, open_by_handle_at" })
	void aCapabilityUnlocksItsSyscallsOnly(String cap, String calls) {
		List<String> gated = List.of(calls.split(" "));
		Map<String, Object> without = this.profile.forCapabilities(defaultCaps(), "x86_64");
		Map<String, Object> with = this.profile.forCapabilities(with(cap), "x86_64");
		for (String call : gated) {
			assertThat(rules(without, call)).as(call + " without " + cap).isEmpty();
		}
		assertThat(allowed(with)).containsAll(gated);
		assertThat(allowed(with)).doesNotContain("mount", "unshare");
	}

	@Test
	void aDroppedCapabilityTakesItsSyscallAway() {
		Set<String> caps = defaultCaps();
		caps.remove("CAP_SYS_CHROOT");
		assertThat(rules(this.profile.forCapabilities(caps, "x86_64"), "chroot")).isEmpty();
	}

	@Test
	void capabilitiesMayBeNamedWithoutThePrefix() {
		assertThat(allowed(this.profile.forCapabilities(Set.of("SYS_ADMIN"), "amd64"))).contains("mount");
	}

	@Test
	void x86HostsGetTheirSubArchitecturesAndX86OnlyCalls() {
		for (String arch : List.of("x86_64", "amd64")) {
			Map<String, Object> oci = this.profile.forCapabilities(defaultCaps(), arch);
			assertThat(oci.get("architectures")).isEqualTo(
					List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"));
			assertThat(allowed(oci)).contains("arch_prctl", "modify_ldt").doesNotContain("set_tls", "cacheflush",
					"s390_runtime_instr", "riscv_flush_icache", "swapcontext");
		}
	}

	@Test
	void otherArchitecturesGetTheirOwnEntries() {
		Map<String, Object> arm = this.profile.forCapabilities(defaultCaps(), "aarch64");
		assertThat(arm.get("architectures")).isEqualTo(List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"));
		assertThat(allowed(arm)).contains("set_tls", "cacheflush").doesNotContain("arch_prctl", "modify_ldt");
		Map<String, Object> s390 = this.profile.forCapabilities(defaultCaps(), "s390x");
		assertThat(s390.get("architectures")).isEqualTo(List.of("SCMP_ARCH_S390X", "SCMP_ARCH_S390"));
		// s390 passes clone's flags second, so the restriction moves to argument 1.
		assertThat(rules(s390, "clone")).singleElement()
			.satisfies((r) -> assertThat(args(r).get(0).get("index")).isEqualTo(1));
		assertThat(this.profile.forCapabilities(defaultCaps(), "sparc64")).doesNotContainKey("architectures");
	}

	@Test
	void minKernelIsJudgedAgainstTheGivenKernel() {
		Map<String, Object> old = SeccompProfile.builtIn("4.4.0-210-generic").forCapabilities(defaultCaps(), "x86_64");
		assertThat(rules(old, "ptrace")).isEmpty();
		assertThat(SeccompProfile.kernelAtLeast("4.8", "4.8")).isTrue();
		assertThat(SeccompProfile.kernelAtLeast("4.10.0-rc1", "4.8")).isTrue();
		assertThat(SeccompProfile.kernelAtLeast("4.7.10", "4.8")).isFalse();
		assertThat(SeccompProfile.kernelAtLeast(KERNEL, "4.8")).isTrue();
	}

	@Test
	void onlyOciFieldsAreEmitted() {
		Map<String, Object> oci = this.profile.forCapabilities(with("CAP_SYS_ADMIN"), "x86_64");
		assertThat(oci).containsOnlyKeys("defaultAction", "defaultErrnoRet", "architectures", "syscalls");
		assertThat(oci.get("defaultAction")).isEqualTo("SCMP_ACT_ERRNO");
		assertThat(oci.get("defaultErrnoRet")).isEqualTo(1);
		for (Map<String, Object> rule : syscalls(oci)) {
			assertThat(rule.keySet()).isSubsetOf("names", "action", "errnoRet", "args");
			for (Map<String, Object> a : args(rule)) {
				assertThat(a.keySet()).isSubsetOf("index", "value", "valueTwo", "op");
			}
		}
	}

	@Test
	void socketIsAllowedExceptForAfAlgAndAfVsock() {
		Map<String, Object> oci = this.profile.forCapabilities(defaultCaps(), "x86_64");
		assertThat(rules(oci, "socket")).extracting((r) -> args(r).get(0).get("op") + " " + args(r).get(0).get("value"))
			.containsExactly("SCMP_CMP_LT 38", "SCMP_CMP_EQ 39", "SCMP_CMP_GT 40");
	}

	private static Set<String> defaultCaps() {
		return new HashSet<>(OciSpecFactory.DEFAULT_CAPS);
	}

	private static Set<String> with(String cap) {
		Set<String> caps = defaultCaps();
		caps.add(Capabilities.normalize(cap));
		return caps;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> syscalls(Map<String, Object> oci) {
		return (List<Map<String, Object>>) oci.get("syscalls");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> args(Map<String, Object> rule) {
		return (List<Map<String, Object>>) rule.getOrDefault("args", List.of());
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> rules(Map<String, Object> oci, String call) {
		return syscalls(oci).stream().filter((r) -> ((List<String>) r.get("names")).contains(call)).toList();
	}

	/** The syscalls allowed whatever their arguments. */
	@SuppressWarnings("unchecked")
	private static Set<String> allowed(Map<String, Object> oci) {
		Set<String> names = new HashSet<>();
		for (Map<String, Object> r : syscalls(oci)) {
			if (r.get("action").equals("SCMP_ACT_ALLOW") && !r.containsKey("args")) {
				names.addAll((List<String>) r.get("names"));
			}
		}
		return names;
	}

}
