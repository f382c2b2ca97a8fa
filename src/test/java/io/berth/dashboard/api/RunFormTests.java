package io.berth.dashboard.api;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RunFormTests {

	private static RunForm form(String image, String cmd, List<String> ports, List<String> volumes, String memory,
			String cpus, String restart) {
		return new RunForm(image, "web", cmd, List.of("A=1\nB=two words"), ports, volumes, memory, cpus, restart,
				"");
	}

	@Test
	@SuppressWarnings("unchecked")
	void becomesDockersCreateBody() {
		RunForm f = form("busybox", "sh -c 'echo \"hi there\"; sleep 1'", List.of("8080:80, 127.0.0.1:53:53/udp", "9000"),
				List.of("data:/data\n/srv:/in:ro"), "256m", "0.5", "on-failure:3");
		Map<String, Object> body = f.toCreateBody();
		assertThat(body.get("Image")).isEqualTo("busybox");
		assertThat(body.get("Cmd")).isEqualTo(List.of("sh", "-c", "echo \"hi there\"; sleep 1"));
		assertThat(body.get("Env")).isEqualTo(List.of("A=1", "B=two words"));
		assertThat((Map<String, Object>) body.get("ExposedPorts")).containsOnlyKeys("80/tcp", "53/udp", "9000/tcp");
		Map<String, Object> host = (Map<String, Object>) body.get("HostConfig");
		assertThat(host.get("Memory")).isEqualTo(256L << 20);
		assertThat(host.get("NanoCpus")).isEqualTo(500_000_000L);
		assertThat(host.get("Binds")).isEqualTo(List.of("data:/data", "/srv:/in:ro"));
		assertThat(host.get("RestartPolicy")).isEqualTo(Map.of("Name", "on-failure", "MaximumRetryCount", 3));
		Map<String, List<Map<String, String>>> bindings = (Map<String, List<Map<String, String>>>) host.get("PortBindings");
		assertThat(bindings.get("80/tcp")).containsExactly(Map.of("HostIp", "", "HostPort", "8080"));
		assertThat(bindings.get("53/udp")).containsExactly(Map.of("HostIp", "127.0.0.1", "HostPort", "53"));
		assertThat(bindings.get("9000/tcp")).containsExactly(Map.of("HostIp", "", "HostPort", ""));
	}

	@Test
	void showsTheEquivalentDockerRun() {
		RunForm f = form("busybox", "sh -c 'sleep 1'", List.of("8080:80"), List.of(), "64m", "", "always");
		assertThat(f.cli()).isEqualTo(
				"docker run -d --name web -e A=1 -e 'B=two words' -p 8080:80 --memory 64m --restart always busybox sh -c 'sleep 1'");
	}

	@Test
	void namesTheFieldOfEachRefusedValue() {
		assertField(form("", "", List.of(), List.of(), "", "", ""), "image");
		assertField(form("busybox", "", List.of("99999:80"), List.of(), "", "", ""), "ports");
		assertField(form("busybox", "", List.of("80/sctp"), List.of(), "", "", ""), "ports");
		assertField(form("busybox", "", List.of(), List.of("relative:path"), "", "", ""), "volumes");
		assertField(form("busybox", "", List.of(), List.of(), "12 parsecs", "", ""), "memory");
		assertField(form("busybox", "", List.of(), List.of(), "1k", "", ""), "memory");
		assertField(form("busybox", "", List.of(), List.of(), "", "0", ""), "cpus");
		assertField(form("busybox", "", List.of(), List.of(), "", "many", ""), "cpus");
		assertField(form("busybox", "", List.of(), List.of(), "", "", "always:3"), "restart");
		assertField(form("busybox", "sh -c 'unterminated", List.of(), List.of(), "", "", ""), "cmd");
	}

	private static void assertField(RunForm f, String field) {
		assertThatThrownBy(f::toCreateBody).isInstanceOfSatisfying(FieldException.class,
				(ex) -> assertThat(ex.field()).isEqualTo(field));
	}

	@Test
	void splitsAndQuotesLikeAShell() {
		assertThat(ShellWords.split("a  'b c' \"d \\\"e\\\"\" f\\ g")).containsExactly("a", "b c", "d \"e\"", "f g");
		assertThat(ShellWords.split("")).isEmpty();
		assertThat(ShellWords.join(List.of("echo", "it's", "a/b", ""))).isEqualTo("echo 'it'\\''s' a/b ''");
	}

	@Test
	void filtersRowsByNameImageStateAndLabel() {
		Row row = new Row("abcdef0123456789", "abcdef012345", "web-1", "nginx:1.25", "running", "Up", null, List.of(),
				Map.of("tier", "front"), false);
		assertThat(new RowFilter("WEB", null, null, null).matches(row)).isTrue();
		assertThat(new RowFilter("abcdef", null, null, null).matches(row)).isTrue();
		assertThat(new RowFilter(null, "exited", null, null).matches(row)).isFalse();
		assertThat(new RowFilter(null, "all", "tier=front", "nginx").matches(row)).isTrue();
		assertThat(new RowFilter(null, null, "tier=back", null).matches(row)).isFalse();
		assertThat(new RowFilter(null, null, "other", null).matches(row)).isFalse();
	}

}
