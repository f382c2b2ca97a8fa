package io.berth.it;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose (Debian's 1.29, through docker-py) against Berth: the project's network is made, services find
 * each other by service name through the embedded DNS, and {@code down} removes the containers and the network.
 */
class ComposeNetworkIT extends BusyboxDaemonSupport {

	private static final String BRIDGE = "berthit2";

	@Override
	protected String[] daemonArgs() {
		return new String[] { "--berth.network.bridge-name=" + BRIDGE, "--berth.network.bridge-subnet=10.76.0.0/24",
				"--berth.network.pool=10.75.0.0/16" };
	}

	@AfterAll
	void removeBridge() throws Exception {
		new ProcessBuilder("ip", "link", "del", BRIDGE).start().waitFor();
		new ProcessBuilder("nft", "delete", "table", "ip", "berth_" + BRIDGE).start().waitFor();
	}

	@Test
	void servicesResolveEachOtherByServiceNameAndDownRemovesTheNetwork() throws Exception {
		Path dir = Files.createTempDirectory("compose");
		Files.writeString(dir.resolve("docker-compose.yml"), """
				version: "3"
				services:
				  web:
				    image: busybox
				    command: sh -c "mkdir /www && echo served-by-web > /www/index.html && exec httpd -f -p 80 -h /www"
				  client:
				    image: busybox
				    command: sleep 600
				""");
		DockerCli.Result up = DockerCli.client(this.daemon.socket(), dir, "docker-compose", "-p", "berthit", "up", "-d");
		assertThat(up.exitCode()).as(up.out() + up.err()).isZero();
		assertThat(docker("network", "ls", "--format", "{{.Name}}").assertOk().out().lines())
			.contains("berthit_default");

		String fetch = "ip=$(nslookup web | awk '/^Name:/{n=1} n && /^Address/{print $NF; exit}'); "
				+ "test -n \"$ip\" && wget -q -O - http://$ip/";
		DockerCli.Result r = DockerCli.client(this.daemon.socket(), dir, "docker-compose", "-p", "berthit", "exec",
				"-T", "client", "sh", "-c", fetch);
		assertThat(r.out()).as(r.err()).isEqualTo("served-by-web\n");

		DockerCli.Result down = DockerCli.client(this.daemon.socket(), dir, "docker-compose", "-p", "berthit",
				"down");
		assertThat(down.exitCode()).as(down.out() + down.err()).isZero();
		assertThat(docker("ps", "-aq").assertOk().out()).isEmpty();
		assertThat(docker("network", "ls", "--format", "{{.Name}}").assertOk().out().lines())
			.doesNotContain("berthit_default");
	}

}
