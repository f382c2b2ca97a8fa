package io.berth.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class NetworkFilesTests {

	@TempDir
	Path dir;

	@Test
	void resolvConfDropsLoopbackServersAndKeepsTheRest() throws Exception {
		Path host = hostFile("nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch corp.test\noptions edns0\n");
		assertThat(NetworkFiles.resolvConf(host, List.of(), List.of(), List.of(), false))
			.isEqualTo("nameserver 10.0.0.2\nsearch corp.test\noptions edns0\n");
	}

	@Test
	void dnsSettingsReplaceWhatTheyName() throws Exception {
		Path host = hostFile("nameserver 10.0.0.2\nsearch corp.test\noptions edns0\n");
		assertThat(NetworkFiles.resolvConf(host, List.of("10.9.9.9", "fd00::53"), List.of("a.test", "b.test"),
				List.of("ndots:2"), false))
			.isEqualTo("nameserver 10.9.9.9\nnameserver fd00::53\nsearch a.test b.test\noptions ndots:2\n");
		assertThat(NetworkFiles.resolvConf(host, List.of("10.9.9.9"), List.of(), List.of(), false))
			.isEqualTo("search corp.test\noptions edns0\nnameserver 10.9.9.9\n");
		assertThat(NetworkFiles.resolvConf(this.dir.resolve("missing"), List.of(), List.of(), List.of(), false)).isEmpty();
	}

	@Test
	void onAUserNetworkTheEmbeddedServerIsTheOnlyOne() throws Exception {
		Path host = hostFile("nameserver 10.0.0.2\nsearch corp.test\n");
		assertThat(NetworkFiles.resolvConf(host, List.of("10.9.9.9"), List.of(), List.of(), true))
			.isEqualTo("search corp.test\nnameserver 127.0.0.11\noptions ndots:0\n");
		assertThat(NetworkFiles.resolvConf(host, List.of(), List.of("a.test"), List.of("ndots:3"), true))
			.isEqualTo("nameserver 127.0.0.11\nsearch a.test\noptions ndots:3\n");
	}

	@Test
	void onlyLiteralAddressesAreAddresses() {
		assertThat(NetworkFiles.isIp("10.1.2.3")).isTrue();
		assertThat(NetworkFiles.isIp("::1")).isTrue();
		assertThat(NetworkFiles.isIp("fd00::53")).isTrue();
		for (String bad : new String[] { "1.2.3.400", "1.2.3", "example.com", "", "1.2.3.4.5", "::g", "fd00:::1:::" }) {
			assertThat(NetworkFiles.isIp(bad)).as(bad).isFalse();
		}
	}

	private Path hostFile(String text) throws Exception {
		Path p = this.dir.resolve("resolv.conf");
		Files.writeString(p, text);
		return p;
	}

}
