package io.berth.api.dockercompat.image;

import java.io.IOException;
import java.util.List;

import io.berth.error.InvalidParameterException;
import io.berth.image.archive.ImageArchiveService;
import io.berth.image.archive.SavePlan;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /images/load} and {@code GET /images/get}: docker-archive tarballs in and out. */
@RestController
class ImageArchiveController {

	private final ImageArchiveService archives;

	ImageArchiveController(ImageArchiveService archives) {
		this.archives = archives;
	}

	/** The whole archive is read and registered before the first line, so a refused archive is a plain 400. */
	@PostMapping("/images/load")
	void load(HttpServletRequest request, HttpServletResponse response) throws IOException {
		List<String> lines = this.archives.load(request.getInputStream());
		JsonStream stream = JsonStream.start(response);
		for (String line : lines) {
			stream.stream(line);
		}
	}

	@GetMapping("/images/get")
	void save(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String[] names = request.getParameterValues("names");
		if (names == null || names.length == 0) {
			throw new InvalidParameterException("no images named");
		}
		save(this.archives, List.of(names), response);
	}

	/** Names are resolved before the 200 goes out; after that the tar streams as it is written. */
	static void save(ImageArchiveService archives, List<String> names, HttpServletResponse response)
			throws IOException {
		SavePlan plan = archives.planSave(names);
		response.setStatus(200);
		response.setContentType("application/x-tar");
		archives.save(plan, response.getOutputStream());
		response.flushBuffer();
	}

}
