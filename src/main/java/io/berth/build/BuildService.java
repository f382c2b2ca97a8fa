package io.berth.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import io.berth.build.context.BuildContext;
import io.berth.build.dockerfile.Dockerfile;
import io.berth.container.BuildContainers;
import io.berth.error.EngineException;
import io.berth.error.NotFoundException;
import io.berth.error.SystemException;
import io.berth.image.ImageCommitter;
import io.berth.image.ImageLookup;
import io.berth.image.ImageReference;
import io.berth.image.ImageService;
import io.berth.image.ResolvedImage;
import io.berth.image.distribution.ProgressListener;
import io.berth.image.distribution.PullService;
import io.berth.image.distribution.RegistryCredentials;
import io.berth.paths.EnginePaths;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.util.FileSystemUtils;

/**
 * {@code docker build} with the classic builder: the context is unpacked into a directory of its own, the
 * Dockerfile read from it and parsed before any output (so a bad one is a 400), then the stages run with their
 * output streamed, and the result is tagged. Builds run concurrently; each has its own context and containers.
 */
@Service
public class BuildService {

	private static final Log logger = LogFactory.getLog(BuildService.class);

	/** The prefix of every build's temp directories, which the next start removes after a crash. */
	static final String TEMP_PREFIX = "build-";

	/** What one build works with; {@link Builder}s share it. */
	record Parts(ImageService images, ImageLookup lookup, ImageCommitter committer, BuildContainers containers,
			BuildCache cache, PullService pulls, Path tmp, ScheduledExecutorService ticker) {

		/** A FROM or {@code --from} image, pulled when missing or when {@code --pull} asks. */
		ResolvedImage baseImage(String ref, boolean pull, BuildOutput out) {
			if (!pull) {
				try {
					return this.lookup.resolve(ref);
				}
				catch (NotFoundException ex) {
					// Pulled below, as the classic builder does.
				}
			}
			ImageReference reference = ImageReference.parse(ref).withDefaultTag();
			ProgressListener progress = new ProgressListener() {

				@Override
				public void status(String text) {
					out.stream(text + "\n");
				}

				@Override
				public void status(String id, String text) {
					out.stream(id + ": " + text + "\n");
				}

				@Override
				public void progress(String id, String text, long current, long total) {
				}

				@Override
				public void pushed(String tag, String digest, long size) {
				}

			};
			this.pulls.complete(this.pulls.resolve(reference, "", RegistryCredentials.ANONYMOUS), progress);
			return this.lookup.resolve(reference.toString());
		}

	}

	private final Parts parts;

	private final BuildProperties properties;

	BuildService(ImageService images, ImageLookup lookup, ImageCommitter committer, BuildContainers containers,
			BuildCache cache, PullService pulls, EnginePaths paths, BuildProperties properties) {
		ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1, (r) -> {
			Thread t = new Thread(r, "berth-build-probe");
			t.setDaemon(true);
			return t;
		});
		ticker.setRemoveOnCancelPolicy(true);
		this.parts = new Parts(images, lookup, committer, containers, cache, pulls, paths.tmp(), ticker);
		this.properties = properties;
	}

	/** A build that has read its context and Dockerfile, ready to run. */
	public final class Prepared implements AutoCloseable {

		private final BuildContext context;

		private final Path work;

		private final Builder builder;

		private final BuildOptions options;

		private Prepared(BuildContext context, Path work, Builder builder, BuildOptions options) {
			this.context = context;
			this.work = work;
			this.builder = builder;
			this.options = options;
		}

		/**
		 * Runs the build and tags the result.
		 * @return the image's ID
		 * @throws BuildFailedException when a step fails
		 */
		public String run(BuildOutput out) {
			String id;
			try {
				id = this.builder.run();
			}
			catch (BuildFailedException ex) {
				throw ex;
			}
			catch (EngineException ex) {
				throw new BuildFailedException(ex.getMessage(), 1, ex);
			}
			catch (java.io.UncheckedIOException ex) {
				// The client went away; the caller stops what still runs.
				throw ex;
			}
			catch (RuntimeException ex) {
				logger.error("build failed", ex);
				throw new BuildFailedException("the build failed: " + ex, 1, ex);
			}
			out.aux(id);
			if (this.options.quiet()) {
				// What the CLI prints for -q is the stream it got, so quiet output is the ID alone.
				out.stream(id + "\n");
			}
			else {
				out.stream("Successfully built " + Builder.shortId(id) + "\n");
			}
			for (String t : this.options.tags()) {
				ImageReference ref = ImageReference.parse(t).withDefaultTag();
				BuildService.this.parts.images().tag(id, ref.repository().toString(), ref.tag());
				if (!this.options.quiet()) {
					out.stream("Successfully tagged " + ref.familiarString() + "\n");
				}
			}
			return id;
		}

		/** Stops a RUN in progress, for a client that went away. */
		public void cancel() {
			this.builder.cancel();
		}

		@Override
		public void close() {
			this.context.close();
			deleteQuietly(this.work);
		}

	}

	/**
	 * Unpacks the context and parses the Dockerfile.
	 * @throws io.berth.error.InvalidParameterException for a hostile or oversized context, a Dockerfile outside it
	 * or missing, or one that does not parse
	 */
	public Prepared prepare(InputStream contextTar, BuildOptions options, BuildOutput out) {
		Path work;
		try {
			work = Files.createTempDirectory(this.parts.tmp(), TEMP_PREFIX);
		}
		catch (IOException ex) {
			throw new SystemException("cannot make a build directory: " + ex.getMessage(), ex);
		}
		BuildContext context;
		try {
			context = BuildContext.extract(contextTar, work, this.properties.maxContextSize().toBytes());
		}
		catch (RuntimeException ex) {
			deleteQuietly(work);
			throw ex;
		}
		try {
			Dockerfile dockerfile = Dockerfile.parse(context.dockerfile(options.dockerfile()));
			return new Prepared(context, work, new Builder(this.parts, options, out, context, dockerfile), options);
		}
		catch (RuntimeException ex) {
			context.close();
			deleteQuietly(work);
			throw ex;
		}
	}

	/** A daemon that died mid-build left its directories, and maybe a mounted image root, under tmp/. */
	@EventListener(ApplicationReadyEvent.class)
	public void removeLeftovers() {
		try (DirectoryStream<Path> stale = Files.newDirectoryStream(this.parts.tmp(), TEMP_PREFIX + "*")) {
			for (Path p : stale) {
				ImageRoot.unmountQuietly(p);
				deleteQuietly(p);
			}
		}
		catch (IOException ex) {
			logger.warn("cannot clean build leftovers under " + this.parts.tmp() + ": " + ex.getMessage());
		}
	}

	private static void deleteQuietly(Path dir) {
		try {
			FileSystemUtils.deleteRecursively(dir);
		}
		catch (IOException ex) {
			logger.warn("cannot remove " + dir + ": " + ex.getMessage());
		}
	}

}
