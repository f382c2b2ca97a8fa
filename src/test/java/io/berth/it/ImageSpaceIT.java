package io.berth.it;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code docker system df} image figures, and {@code docker rmi}'s rules for shared layers, tags and users. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ImageSpaceIT extends BusyboxDaemonSupport {

	@Test
	@Order(1)
	void systemDfCountsSharedLayersOnceAndOnlyUnusedImagesAsReclaimable() {
		docker("run", "--name", "df-child", "busybox", "sh", "-c", "dd if=/dev/zero of=/big bs=1000 count=300")
			.assertOk();
		docker("commit", "df-child", "it-df:1").assertOk();
		docker("rm", "df-child").assertOk();
		docker("create", "--name", "df-user", "it-df:1").assertOk();
		long base = Long.parseLong(inspectImage("busybox", "{{.Size}}"));
		long child = Long.parseLong(inspectImage("it-df:1", "{{.Size}}"));
		long unique = child - base;
		assertThat(unique).isGreaterThanOrEqualTo(300_000);

		String images = docker("system", "df", "--format",
				"{{.Type}}|{{.TotalCount}}|{{.Active}}|{{.Size}}|{{.Reclaimable}}").assertOk().out().lines()
			.filter((l) -> l.startsWith("Images|"))
			.findFirst()
			.orElseThrow();
		// Both images hold the base layer, counted once; only the unused busybox is reclaimable, and its one
		// layer is the child's too, so that is what removing it would leave.
		assertThat(images).startsWith("Images|2|1|" + human(child) + "|" + human(base) + " (");

		List<String> verbose = docker("system", "df", "-v").assertOk().out().lines().toList();
		assertThat(row(verbose, "busybox")).matches(".*\\s" + sizes(base, base, 0) + "\\s+0$");
		assertThat(row(verbose, "it-df")).matches(".*\\s" + sizes(child, base, unique) + "\\s+1$");
		docker("rm", "df-user").assertOk();
	}

	@Test
	@Order(2)
	void rmiOfOneTagUntagsAndOfTheLastDeletesKeepingSharedLayers() {
		docker("run", "--name", "rmi-child", "busybox", "sh", "-c", "echo child > /child").assertOk();
		String id = docker("commit", "rmi-child", "it-rmi:1").assertOk().out().strip();
		docker("rm", "rmi-child").assertOk();
		docker("tag", "it-rmi:1", "it-rmi:2").assertOk();
		docker("tag", "it-rmi:1", "it-rmi-other:1").assertOk();
		String top = inspectImage("it-rmi:1", "{{index .RootFS.Layers 1}}");

		assertThat(docker("rmi", "it-rmi:2").assertOk().out().strip()).isEqualTo("Untagged: it-rmi:2");
		assertThat(inspectImage("it-rmi:1", "{{.Id}}")).isEqualTo(id);

		String container = docker("create", "it-rmi:1").assertOk().out().strip();
		// With another tag left, untagging one is allowed even while a container uses the image.
		assertThat(docker("rmi", "it-rmi-other:1").assertOk().out().strip()).isEqualTo("Untagged: it-rmi-other:1");
		DockerCli.Result inUse = docker("rmi", "it-rmi:1");
		assertThat(inUse.exitCode()).isNotZero();
		assertThat(inUse.err()).contains("conflict: unable to remove repository reference \"it-rmi:1\" (must force)");
		// Forcing removes the name; the image stays, dangling, for its container.
		assertThat(docker("rmi", "-f", "it-rmi:1").assertOk().out().strip()).isEqualTo("Untagged: it-rmi:1");
		assertThat(inspectImage(id, "{{len .RepoTags}}")).isEqualTo("0");
		docker("rm", container).assertOk();

		docker("tag", id, "it-rmi:3").assertOk();
		docker("tag", id, "it-rmi:4").assertOk();
		String chain = chainId(id);
		String out = docker("rmi", "-f", id).assertOk().out();
		assertThat(out.lines().toList()).containsExactlyInAnyOrder("Untagged: it-rmi:3", "Untagged: it-rmi:4",
				"Deleted: " + id, "Deleted: " + chain);
		assertThat(this.daemon.dataRoot().resolve("layers/sha256/" + top.substring(7))).doesNotExist();
		// The base layer is busybox's too, so it stays and busybox still runs.
		assertThat(docker("run", "--rm", "busybox", "true").exitCode()).isZero();
	}

	private String chainId(String imageId) {
		List<String> layers = List.of(inspectImage(imageId, "{{join .RootFS.Layers \" \"}}").split(" "));
		return "sha256:" + sha256(layers.get(0) + " " + layers.get(1));
	}

	private String inspectImage(String image, String format) {
		return docker("image", "inspect", "--format", format, image).assertOk().out().strip();
	}

	private static String row(List<String> lines, String repository) {
		return lines.stream().filter((l) -> l.startsWith(repository + " ")).findFirst().orElseThrow(
				() -> new AssertionError("no row for " + repository + " in " + lines));
	}

	/** The verbose view prints an image's size with three significant digits, the other two with four. */
	private static String sizes(long size, long shared, long unique) {
		return human(size, 3) + "\\s+" + human(shared, 4) + "\\s+" + human(unique, 4);
	}

	private static String human(long bytes) {
		return human(bytes, 4);
	}

	/** go-units' HumanSizeWithPrecision, which the CLI prints sizes with: decimal units. */
	static String human(long bytes, int precision) {
		String[] units = { "B", "kB", "MB", "GB", "TB" };
		double size = bytes;
		int unit = 0;
		while (size >= 1000 && unit < units.length - 1) {
			size /= 1000;
			unit++;
		}
		String text = String.format(Locale.ROOT, "%." + precision + "g", size);
		if (text.contains(".")) {
			text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
		}
		return text + units[unit];
	}

	private static String sha256(String text) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
				.digest(text.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
