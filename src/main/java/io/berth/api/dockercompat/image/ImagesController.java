package io.berth.api.dockercompat.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import io.berth.api.dockercompat.FilterArgs;
import io.berth.api.dockercompat.FilterTimes;
import io.berth.api.dockercompat.QueryParams;
import io.berth.error.EngineException;
import io.berth.error.InvalidParameterException;
import io.berth.error.NotFoundException;
import io.berth.image.ConfigDocument;
import io.berth.image.ImageDetails;
import io.berth.image.ImageFilter;
import io.berth.image.ImageHistoryItem;
import io.berth.image.ImagePruneReport;
import io.berth.image.ImageRemoval;
import io.berth.image.ImageService;
import io.berth.image.ImageUrlImporter;
import io.berth.image.ImportProgress;
import io.berth.image.Rfc3339;
import io.berth.image.archive.ImageArchiveService;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriUtils;

/**
 * {@code /images/...}: list, inspect, history, import (uploaded or from a URL), tag, remove and prune. Image names
 * may contain slashes ({@code localhost:5000/a/b}), so the per-image routes match {@code /images/**} and take the name
 * off the path.
 */
@RestController
class ImagesController {

	private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

	private final ImageService images;

	private final ImageArchiveService archives;

	private final DistributionController distribution;

	private final ImageUrlImporter urlImports;

	ImagesController(ImageService images, ImageArchiveService archives, DistributionController distribution,
			ImageUrlImporter urlImports) {
		this.images = images;
		this.archives = archives;
		this.distribution = distribution;
		this.urlImports = urlImports;
	}

	@GetMapping("/images/json")
	List<ImageSummary> list(@RequestParam(name = "all", required = false) String all,
			@RequestParam(name = "filters", required = false) String filters) {
		FilterArgs f = FilterArgs.parse(filters).validate(Set.of("before", "dangling", "label", "reference", "since"));
		ImageFilter filter = new ImageFilter(f.get("reference"), QueryValues.dangling(f), f.get("label"),
				first(f.get("before")), first(f.get("since")));
		List<ImageSummary> out = new ArrayList<>();
		for (ImageDetails d : this.images.list(filter)) {
			Map<String, String> labels = d.config().labels();
			List<String> tags = d.repoTags();
			List<String> digests = d.repoDigests().isEmpty() ? null : d.repoDigests();
			if (d.dangling()) {
				tags = List.of("<none>:<none>");
				digests = List.of("<none>@<none>");
			}
			out.add(new ImageSummary(-1, d.created().getEpochSecond(), d.id(), labels.isEmpty() ? null : labels, "",
					digests, tags, -1, d.size(), d.size()));
		}
		return out;
	}

	@PostMapping(path = "/images/create", params = "!fromImage")
	void create(@RequestParam(name = "fromSrc", required = false) String fromSrc,
			@RequestParam(name = "repo", defaultValue = "") String repo,
			@RequestParam(name = "tag", defaultValue = "") String tag,
			@RequestParam(name = "message", defaultValue = "") String message, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		if (fromSrc == null || fromSrc.isEmpty()) {
			throw new InvalidParameterException("either fromSrc or fromImage must be given");
		}
		String[] changeValues = request.getParameterValues("changes");
		List<String> changes = (changeValues != null) ? List.of(changeValues) : List.of();
		if (!fromSrc.equals("-")) {
			importFromUrl(fromSrc, repo, tag, changes, message, response);
			return;
		}
		String id = this.images.importImage(request.getInputStream(), repo, tag, changes, message);
		JsonStream.start(response).status(id);
	}

	/**
	 * Errors before the download starts keep their status; once the progress stream is open, a failure becomes its
	 * last line, as dockerd reports it.
	 */
	private void importFromUrl(String source, String repo, String tag, List<String> changes, String message,
			HttpServletResponse response) throws IOException {
		JsonStream[] stream = new JsonStream[1];
		String id;
		try {
			id = this.urlImports.importFrom(source, repo, tag, changes, message, new ImportProgress() {

				@Override
				public void downloading(URI from) {
					try {
						stream[0] = JsonStream.start(response);
					}
					catch (IOException ex) {
						throw new UncheckedIOException(ex);
					}
					stream[0].status("Downloading from " + from);
				}

				@Override
				public void read(long current, long total) {
					stream[0].progress("Importing", current, total);
				}

			});
		}
		catch (EngineException ex) {
			if (stream[0] == null) {
				throw ex;
			}
			stream[0].error(ex.getMessage());
			return;
		}
		stream[0].status(id);
	}

	@PostMapping("/images/prune")
	ImagePruneResponse prune(@RequestParam(name = "filters", required = false) String filters) {
		FilterArgs f = FilterArgs.parse(filters).validate(Set.of("dangling", "label", "label!", "until"));
		Boolean dangling = QueryValues.dangling(f);
		List<String> labels = f.get("label");
		List<String> notLabels = f.get("label!");
		Instant until = f.get("until").isEmpty() ? null : FilterTimes.until(f.get("until").get(0));
		Predicate<ImageDetails> filter = (d) -> ImageService.labelsMatch(labels, d.config().labels())
				&& notLabels.stream().noneMatch((l) -> ImageService.labelsMatch(List.of(l), d.config().labels()))
				&& (until == null || d.created().isBefore(until));
		ImagePruneReport report = this.images.prune(dangling == null || dangling, filter);
		List<ImageDeleteResponseItem> items = report.removals().stream().map(ImagesController::item).toList();
		return new ImagePruneResponse(items.isEmpty() ? null : items, report.spaceReclaimed());
	}

	@GetMapping("/images/**")
	Object get(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String path = imagePath(request);
		if (path.endsWith("/get")) {
			ImageArchiveController.save(this.archives, List.of(name(path, "/get")), response);
			return null;
		}
		if (path.endsWith("/json")) {
			return inspect(name(path, "/json"));
		}
		if (path.endsWith("/history")) {
			return history(name(path, "/history"));
		}
		throw new NotFoundException("page not found");
	}

	@PostMapping("/images/**")
	ResponseEntity<Void> post(HttpServletRequest request, HttpServletResponse response,
			@RequestParam(name = "repo", defaultValue = "") String repo,
			@RequestParam(name = "tag", defaultValue = "") String tag) throws IOException {
		String path = imagePath(request);
		if (path.endsWith("/tag")) {
			this.images.tag(name(path, "/tag"), repo, tag);
			return ResponseEntity.status(HttpStatus.CREATED).build();
		}
		if (path.endsWith("/push")) {
			this.distribution.push(name(path, "/push"), tag, request, response);
			return null;
		}
		throw new NotFoundException("page not found");
	}

	@DeleteMapping("/images/**")
	List<ImageDeleteResponseItem> remove(HttpServletRequest request,
			@RequestParam(name = "force", required = false) String force,
			@RequestParam(name = "noprune", required = false) String noPrune) {
		String name = decode(imagePath(request));
		return this.images.remove(name, QueryParams.bool(force)).stream().map(ImagesController::item).toList();
	}

	private ImageInspectResponse inspect(String name) {
		ImageDetails d = this.images.inspect(name);
		ConfigDocument c = d.config();
		Map<String, Object> containerConfig = c.containerConfigObject();
		List<String> layers = c.diffIds().stream().map(Object::toString).toList();
		String lastTag = (d.lastTagTime() != null) ? Rfc3339.format(d.lastTagTime()) : ZERO_TIME;
		return new ImageInspectResponse(d.id(), d.repoTags(), d.repoDigests(), "", c.comment(),
				Rfc3339.format(d.created()), c.container(), containerConfig, c.dockerVersion(), c.author(),
				c.hasRunConfig() ? c.runConfigObject() : null, c.architecture(), c.variant(), c.os(), d.size(),
				d.size(), new ImageInspectResponse.GraphDriver(null, "overlay2"),
				new ImageInspectResponse.RootFs("layers", layers), new ImageInspectResponse.Metadata(lastTag));
	}

	private List<ImageHistoryResponseItem> history(String name) {
		List<ImageHistoryResponseItem> out = new ArrayList<>();
		for (ImageHistoryItem h : this.images.history(name)) {
			out.add(new ImageHistoryResponseItem(h.comment(), h.created().getEpochSecond(), h.createdBy(), h.id(),
					h.size(), h.tags().isEmpty() ? null : h.tags()));
		}
		return out;
	}

	private static ImageDeleteResponseItem item(ImageRemoval r) {
		return new ImageDeleteResponseItem(r.untagged(), r.deleted());
	}

	/** The part of the path after {@code /images/}, still URL-encoded. */
	private static String imagePath(HttpServletRequest request) {
		String uri = request.getRequestURI();
		int at = uri.indexOf("/images/");
		return uri.substring(at + "/images/".length());
	}

	private static String name(String path, String suffix) {
		String name = decode(path.substring(0, path.length() - suffix.length()));
		if (name.isEmpty()) {
			throw new NotFoundException("page not found");
		}
		return name;
	}

	private static String decode(String s) {
		return UriUtils.decode(s, StandardCharsets.UTF_8);
	}

	private static String first(List<String> values) {
		return values.isEmpty() ? null : values.get(0);
	}

}
