package io.berth.api.dockercompat.container;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.berth.api.dockercompat.QueryParams;
import io.berth.container.Container;
import io.berth.container.ContainerLifecycle;
import io.berth.container.ContainerService;
import io.berth.container.ContainerState;
import io.berth.error.SystemException;
import io.berth.stats.StatsReader;
import io.berth.stats.StatsSample;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /containers/{id}/stats}. Streaming (the default) sends a frame at once and then one a second, each
 * flushed in its own chunk, until the container stops or the client goes; {@code stream=0} samples twice, half a
 * second apart, so that {@code precpu_stats} is filled, and answers well inside the CLI's 2 s limit. Samples are
 * taken by one repeating task per stream on a shared scheduler; the request thread only writes what they produce, as
 * the other streams here do, because async response bodies were not flushed to the client on this transport.
 */
@RestController
class StatsController {

	private static final Log logger = LogFactory.getLog(StatsController.class);

	private static final long INTERVAL_MILLIS = 1000;

	private static final long ONE_SHOT_GAP_MILLIS = 500;

	/** Frames waiting for a slow client; older ones are dropped beyond this, as a live view has no use for them. */
	private static final int BACKLOG = 4;

	private final ContainerService containers;

	private final ContainerLifecycle lifecycle;

	private final StatsReader reader;

	private final JsonMapper json;

	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, daemonThreads());

	StatsController(ContainerService containers, ContainerLifecycle lifecycle, StatsReader reader, JsonMapper json) {
		this.containers = containers;
		this.lifecycle = lifecycle;
		this.reader = reader;
		this.json = json;
	}

	@GetMapping("/containers/{id}/stats")
	void stats(@PathVariable String id, @RequestParam(required = false) @Nullable String stream,
			@RequestParam(name = "one-shot", required = false) @Nullable String oneShot, HttpServletResponse response)
			throws IOException {
		Container c = this.containers.get(id);
		boolean streaming = (stream == null) || QueryParams.bool(stream);
		String name = "/" + c.getName();
		String cgroup = this.lifecycle.cgroupPath(c);
		response.setStatus(200);
		response.setContentType("application/json");
		OutputStream out = response.getOutputStream();
		if (!isRunning(c)) {
			// dockerd's answer for a stopped container: name and ID, every counter zero; a stream ends there too.
			write(out, StatsJson.zero(name, c.getId()));
		}
		else if (!streaming && QueryParams.bool(oneShot)) {
			write(out, StatsJson.of(this.reader.read(cgroup, c.getPid()), null, name, c.getId()));
		}
		else if (!streaming) {
			StatsSample first = this.reader.read(cgroup, c.getPid());
			ScheduledFuture<StatsSample> second = this.scheduler.schedule(() -> this.reader.read(cgroup, c.getPid()),
					ONE_SHOT_GAP_MILLIS, TimeUnit.MILLISECONDS);
			write(out, StatsJson.of(await(second), first, name, c.getId()));
		}
		else {
			stream(response, out, c, name, cgroup);
			return;
		}
		response.flushBuffer();
	}

	private void stream(HttpServletResponse response, OutputStream out, Container c, String name, String cgroup)
			throws IOException {
		BlockingQueue<Optional<byte[]>> frames = new LinkedBlockingQueue<>();
		Ticker ticker = new Ticker(frames, c.getId(), name, cgroup, c.getPid());
		ScheduledFuture<?> task = this.scheduler.scheduleAtFixedRate(ticker, 0, INTERVAL_MILLIS,
				TimeUnit.MILLISECONDS);
		this.lifecycle.waitFor(c.getId(), "not-running").whenComplete((status, ex) -> ticker.end());
		try {
			response.flushBuffer();
			while (true) {
				Optional<byte[]> frame = frames.take();
				if (frame.isEmpty()) {
					return;
				}
				out.write(frame.get());
				response.flushBuffer();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (IOException ex) {
			// The client went away.
			logger.debug("stats stream of " + c.getId() + " ended: " + ex.getMessage());
		}
		finally {
			task.cancel(false);
			ticker.end();
		}
	}

	/** One stream's repeating task: sample, frame it with the previous sample as precpu, stop with the container. */
	private final class Ticker implements Runnable {

		private final BlockingQueue<Optional<byte[]>> frames;

		private final String id;

		private final String name;

		private final String cgroup;

		private final int pid;

		private @Nullable StatsSample previous;

		private boolean ended;

		Ticker(BlockingQueue<Optional<byte[]>> frames, String id, String name, String cgroup, int pid) {
			this.frames = frames;
			this.id = id;
			this.name = name;
			this.cgroup = cgroup;
			this.pid = pid;
		}

		@Override
		public synchronized void run() {
			if (this.ended) {
				return;
			}
			try {
				if (!stillRunning()) {
					end();
					return;
				}
				StatsSample sample = StatsController.this.reader.read(this.cgroup, this.pid);
				byte[] frame = line(StatsJson.of(sample, this.previous, this.name, this.id));
				this.previous = sample;
				while (this.frames.size() >= BACKLOG) {
					this.frames.poll();
				}
				this.frames.add(Optional.of(frame));
			}
			catch (RuntimeException ex) {
				logger.warn("stats of " + this.id + " could not be read: " + ex.getMessage());
				end();
			}
		}

		synchronized void end() {
			if (!this.ended) {
				this.ended = true;
				this.frames.add(Optional.empty());
			}
		}

		private boolean stillRunning() {
			return StatsController.this.containers.find(this.id)
				.map((c) -> isRunning(c) && c.getPid() == this.pid)
				.orElse(false) && StatsController.this.reader.exists(this.cgroup);
		}

	}

	/** Running or paused: a paused container's counters are still there, and dockerd reports them. */
	private static boolean isRunning(Container c) {
		return c.getState() == ContainerState.RUNNING || c.getState() == ContainerState.PAUSED;
	}

	private static StatsSample await(ScheduledFuture<StatsSample> sample) {
		try {
			return sample.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SystemException("interrupted while sampling stats", ex);
		}
		catch (ExecutionException ex) {
			throw new SystemException("cannot read stats: " + ex.getCause().getMessage(), ex.getCause());
		}
	}

	private void write(OutputStream out, Map<String, Object> frame) throws IOException {
		out.write(line(frame));
	}

	private byte[] line(Map<String, Object> frame) {
		byte[] body = this.json.writeValueAsBytes(frame);
		byte[] line = new byte[body.length + 1];
		System.arraycopy(body, 0, line, 0, body.length);
		line[body.length] = '\n';
		return line;
	}

	@PreDestroy
	void shutdown() {
		this.scheduler.shutdownNow();
	}

	private static ThreadFactory daemonThreads() {
		AtomicInteger n = new AtomicInteger();
		return (r) -> {
			Thread t = new Thread(r, "stats-" + n.incrementAndGet());
			t.setDaemon(true);
			return t;
		};
	}

}
