package io.berth.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The start-up sweep: blobs no image references are removed, the ones images need are kept. */
class ImageGarbageCollectionIT extends BusyboxDaemonSupport {

	@TempDir
	Path temp;

	@Test
	void startRemovesStrayBlobsAndLayerDirectoriesAndKeepsImagesWhole() throws Exception {
		docker("run", "--name", "gc-child", "busybox", "sh", "-c", "echo child > /child").assertOk();
		docker("commit", "gc-child", "it-gc:1").assertOk();
		docker("rm", "gc-child").assertOk();
		String config = inspectImage("it-gc:1", "{{.Id}}").substring(7);
		String top = inspectImage("it-gc:1", "{{index .RootFS.Layers 1}}").substring(7);
		Path blobs = this.daemon.dataRoot().resolve("blobs/sha256");
		byte[] content = "left by a crash".getBytes(StandardCharsets.UTF_8);
		String strayHex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
		Path strayLayer = this.daemon.dataRoot().resolve("layers/sha256/" + "1".repeat(64));

		this.daemon.stop();
		Files.write(blobs.resolve(strayHex), content);
		Files.createDirectories(strayLayer.resolve("etc"));
		this.daemon.launch();

		assertThat(blobs.resolve(strayHex)).doesNotExist();
		assertThat(strayLayer).doesNotExist();
		assertThat(blobs.resolve(config)).isRegularFile();
		assertThat(blobs.resolve(top)).isRegularFile();
		assertThat(docker("run", "--rm", "it-gc:1", "cat", "/child").assertOk().out().strip()).isEqualTo("child");
		// The layer tars are still there to be saved.
		Path saved = this.temp.resolve("saved.tar");
		docker("save", "-o", saved.toString(), "it-gc:1", "busybox").assertOk();
		assertThat(Files.size(saved)).isGreaterThan(Files.size(blobs.resolve(top)));
	}

	private String inspectImage(String image, String format) {
		return docker("image", "inspect", "--format", format, image).assertOk().out().strip();
	}

}
