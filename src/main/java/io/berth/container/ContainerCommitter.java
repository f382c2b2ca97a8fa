package io.berth.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.berth.container.archive.TarStreamer;
import io.berth.error.ConflictException;
import io.berth.image.CommitRequest;
import io.berth.image.ImageCommitter;
import io.berth.image.RegisteredImage;

import org.springframework.stereotype.Service;

/**
 * {@code docker commit}: the container's writable layer (its overlay upper directory) becomes a new layer on its
 * image. A running container is frozen while that directory is read, as dockerd pauses it, so the layer is one
 * consistent state; it is thawed afterwards whatever happens, and a container the user paused stays paused.
 */
@Service
public class ContainerCommitter {

	/**
	 * Mount points the runtime creates in the root when the image lacks them. dockerd keeps them in an init layer
	 * under the writable one, so they never reach a commit; here they land in the upper directory, and are left out
	 * while they are still the empty stubs the runtime made.
	 */
	private static final Set<List<String>> INIT_PATHS = Set.of(List.of(".dockerenv"), List.of("etc", "hosts"),
			List.of("etc", "hostname"), List.of("etc", "resolv.conf"), List.of("etc", "mtab"), List.of("dev"),
			List.of("proc"), List.of("sys"));

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final ImageCommitter images;

	ContainerCommitter(ContainerService containers, ContainerLifecycle lifecycle, ImageCommitter images) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.images = images;
	}

	/**
	 * Commits the container and publishes its {@code commit} event.
	 * @return the new image's ID
	 * @throws ContainerNotFoundException for an unknown container
	 * @throws ConflictException for a container being removed or dead
	 */
	public String commit(String ref, CommitOptions options) {
		Container c = this.containers.get(ref);
		if (c.getState() == ContainerState.REMOVING) {
			throw new ConflictException("You cannot commit container " + c.getId() + " which is being removed");
		}
		if (c.getState() == ContainerState.DEAD) {
			throw new ConflictException("You cannot commit container " + c.getId() + " which is Dead");
		}
		CommitRequest request = new CommitRequest(c.getImageId(), c.getId(), this.containers.config(c),
				options.config(), options.changes(), options.author(), options.comment(), options.repository(),
				options.tag());
		Path upper = this.lifecycle.upperDir(c);
		RegisteredImage image = this.images.commit(request, (out) -> {
			try (ContainerLifecycle.CopyFreeze frozen = options.pause() ? this.lifecycle.freezeForCopy(c) : () -> {
			}) {
				TarStreamer.writeLayer(upper, out, runtimeStubs(upper));
			}
		});
		String imageRef = image.tags().isEmpty() ? "" : image.tags().get(0);
		this.containers.events()
			.publish(c, "commit", Map.of("comment", options.comment(), "imageID", image.id(), "imageRef", imageRef));
		return image.id();
	}

	/** The paths of a container's upper directory a commit leaves out: the runtime's mount points, while stubs. */
	static Predicate<List<String>> runtimeStubs(Path upper) {
		return (path) -> INIT_PATHS.contains(path) && isStub(upper, path);
	}

	/** An empty file, empty directory or symlink: what the runtime creates as a mount point. */
	private static boolean isStub(Path upper, List<String> path) {
		Path p = upper.resolve(String.join("/", path));
		try {
			if (Files.isSymbolicLink(p)) {
				return true;
			}
			if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
				try (Stream<Path> children = Files.list(p)) {
					return children.findAny().isEmpty();
				}
			}
			return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
