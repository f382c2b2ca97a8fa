package io.berth.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A seccomp profile in moby's schema, whose rules may apply only with or without some capabilities, on some
 * architectures, or from some kernel on, and its rendering into one container's OCI {@code linux.seccomp}, as dockerd
 * does for each container. The built-in profile ({@code runtime/seccomp-default.json}) is Docker's default.
 */
final class SeccompProfile {

	static final String BUILT_IN = "/runtime/seccomp-default.json";

	/** Host architecture names (uname's and the JVM's spellings) to the names the profile's conditions use. */
	private static final Map<String, String> ARCH_ALIASES = Map.of("x86_64", "amd64", "aarch64", "arm64", "i386",
			"x86", "i686", "x86", "armv7l", "arm", "loong64", "loongarch64");

	/** The profile's architecture names to libseccomp's, which the OCI spec uses. */
	private static final Map<String, String> SCMP_ARCHES = Map.of("amd64", "SCMP_ARCH_X86_64", "x86", "SCMP_ARCH_X86",
			"arm64", "SCMP_ARCH_AARCH64", "arm", "SCMP_ARCH_ARM", "ppc64le", "SCMP_ARCH_PPC64LE", "s390x",
			"SCMP_ARCH_S390X", "riscv64", "SCMP_ARCH_RISCV64", "loongarch64", "SCMP_ARCH_LOONGARCH64");

	private final String defaultAction;

	private final Integer defaultErrnoRet;

	private final Map<String, List<String>> archMap;

	private final List<Rule> rules;

	private final String kernelRelease;

	private SeccompProfile(String defaultAction, Integer defaultErrnoRet, Map<String, List<String>> archMap,
			List<Rule> rules, String kernelRelease) {
		this.defaultAction = defaultAction;
		this.defaultErrnoRet = defaultErrnoRet;
		this.archMap = archMap;
		this.rules = rules;
		this.kernelRelease = kernelRelease;
	}

	/** Docker's default profile, with {@code minKernel} conditions judged against {@code kernelRelease}. */
	static SeccompProfile builtIn(String kernelRelease) {
		try (InputStream in = SeccompProfile.class.getResourceAsStream(BUILT_IN)) {
			if (in == null) {
				throw new IllegalStateException(BUILT_IN + " is missing from the class path");
			}
			return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), kernelRelease);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read the default seccomp profile", ex);
		}
	}

	static SeccompProfile parse(String json, String kernelRelease) {
		Map<String, Object> p = JsonMapper.builder().build().readValue(json, new TypeReference<Map<String, Object>>() {
		});
		Map<String, List<String>> archMap = new LinkedHashMap<>();
		for (Map<String, Object> a : maps(p.get("archMap"))) {
			archMap.put((String) a.get("architecture"), strings(a.get("subArchitectures")));
		}
		List<Rule> rules = maps(p.get("syscalls")).stream().map(Rule::of).toList();
		Number errno = (Number) p.get("defaultErrnoRet");
		return new SeccompProfile((String) p.get("defaultAction"), (errno != null) ? errno.intValue() : null,
				Collections.unmodifiableMap(archMap), rules, kernelRelease);
	}

	/**
	 * The OCI {@code linux.seccomp} for a container holding {@code caps} (names with or without {@code CAP_}) on a
	 * host of architecture {@code arch} (such as {@code x86_64} or the JVM's {@code amd64}): the rules whose conditions
	 * hold, without the conditions, and the architecture with its sub-architectures from the profile's map.
	 */
	Map<String, Object> forCapabilities(Set<String> caps, String arch) {
		Set<String> held = caps.stream().map(Capabilities::normalize).collect(Collectors.toUnmodifiableSet());
		String host = nativeArch(arch);
		Map<String, Object> oci = new LinkedHashMap<>();
		oci.put("defaultAction", this.defaultAction);
		if (this.defaultErrnoRet != null) {
			oci.put("defaultErrnoRet", this.defaultErrnoRet);
		}
		String scmp = SCMP_ARCHES.get(host);
		if (scmp != null && this.archMap.containsKey(scmp)) {
			List<String> arches = new ArrayList<>();
			arches.add(scmp);
			arches.addAll(this.archMap.get(scmp));
			oci.put("architectures", List.copyOf(arches));
		}
		oci.put("syscalls", this.rules.stream()
			.filter((r) -> r.appliesTo(held, host, this.kernelRelease))
			.map(Rule::toOci)
			.toList());
		return Collections.unmodifiableMap(oci);
	}

	private static String nativeArch(String arch) {
		String a = arch.toLowerCase(Locale.ROOT);
		return ARCH_ALIASES.getOrDefault(a, a);
	}

	/** Whether {@code release} (such as {@code 6.18.44-fc}) is at least {@code min} (such as {@code 4.8}). */
	static boolean kernelAtLeast(String release, String min) {
		int[] have = version(release);
		int[] want = version(min);
		for (int i = 0; i < want.length; i++) {
			if (have[i] != want[i]) {
				return have[i] > want[i];
			}
		}
		return true;
	}

	private static int[] version(String s) {
		int[] v = new int[3];
		String[] parts = s.split("[^0-9]", -1);
		// Only the leading numbers count: "6.18.44-fc-v669" is 6.18.44.
		for (int i = 0; i < v.length && i < parts.length && !parts[i].isEmpty(); i++) {
			v[i] = Integer.parseInt(parts[i]);
		}
		return v;
	}

	/** Capabilities, architectures and a minimum kernel; an empty list or a null kernel does not constrain. */
	record Condition(List<String> caps, List<String> arches, String minKernel) {

		static final Condition NONE = new Condition(List.of(), List.of(), null);

		static Condition of(Object o) {
			if (!(o instanceof Map<?, ?> m)) {
				return NONE;
			}
			return new Condition(strings(m.get("caps")), strings(m.get("arches")), (String) m.get("minKernel"));
		}

	}

	/** One argument comparison, kept as written since its values are unsigned 64-bit. */
	record Arg(Number index, Number value, Number valueTwo, String op) {

		Map<String, Object> toOci() {
			Map<String, Object> a = new LinkedHashMap<>();
			a.put("index", this.index);
			a.put("value", this.value);
			if (this.valueTwo != null) {
				a.put("valueTwo", this.valueTwo);
			}
			a.put("op", this.op);
			return Collections.unmodifiableMap(a);
		}

	}

	/** A syscall rule and the conditions under which the container gets it. */
	record Rule(List<String> names, String action, Number errnoRet, List<Arg> args, Condition includes,
			Condition excludes) {

		static Rule of(Map<String, Object> r) {
			List<Arg> args = maps(r.get("args")).stream()
				.map((a) -> new Arg((Number) a.get("index"), (Number) a.getOrDefault("value", 0),
						(Number) a.get("valueTwo"), (String) a.get("op")))
				.toList();
			return new Rule(strings(r.get("names")), (String) r.get("action"), (Number) r.get("errnoRet"), args,
					Condition.of(r.get("includes")), Condition.of(r.get("excludes")));
		}

		/** As dockerd decides: any exclusion that matches drops the rule, and every inclusion must match. */
		boolean appliesTo(Set<String> caps, String arch, String kernel) {
			if (this.excludes.arches().contains(arch) || this.excludes.caps().stream().anyMatch(caps::contains)) {
				return false;
			}
			if (this.excludes.minKernel() != null && kernelAtLeast(kernel, this.excludes.minKernel())) {
				return false;
			}
			if (!this.includes.arches().isEmpty() && !this.includes.arches().contains(arch)) {
				return false;
			}
			if (!caps.containsAll(this.includes.caps())) {
				return false;
			}
			// minKernel is honoured against the running kernel, as dockerd does, not assumed.
			return this.includes.minKernel() == null || kernelAtLeast(kernel, this.includes.minKernel());
		}

		Map<String, Object> toOci() {
			Map<String, Object> s = new LinkedHashMap<>();
			s.put("names", this.names);
			s.put("action", this.action);
			if (this.errnoRet != null) {
				s.put("errnoRet", this.errnoRet);
			}
			if (!this.args.isEmpty()) {
				s.put("args", this.args.stream().map(Arg::toOci).toList());
			}
			return Collections.unmodifiableMap(s);
		}

	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> maps(Object o) {
		return (o instanceof List<?> l) ? List.copyOf((List<Map<String, Object>>) l) : List.of();
	}

	@SuppressWarnings("unchecked")
	private static List<String> strings(Object o) {
		return (o instanceof List<?> l) ? List.copyOf((List<String>) l) : List.of();
	}

}
