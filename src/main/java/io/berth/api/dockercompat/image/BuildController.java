package io.berth.api.dockercompat.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.berth.build.BuildFailedException;
import io.berth.build.BuildOptions;
import io.berth.build.BuildOutput;
import io.berth.build.BuildService;
import io.berth.error.InvalidParameterException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /build}, the classic builder's endpoint that {@code DOCKER_BUILDKIT=0 docker build}, docker-py and
 * compose use: the context tar is the body, options are in the query, and the output streams as jsonmessage
 * {@code stream} lines with an {@code aux} ID. The context and Dockerfile are read before the 200, so a bad one is a
 * plain error status; a step that fails later is an {@code errorDetail} in the stream.
 */
@RestController
class BuildController {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final BuildService builds;

	BuildController(BuildService builds) {
		this.builds = builds;
	}

	@PostMapping("/build")
	void build(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (present(request.getParameter("remote"))) {
			throw new InvalidParameterException("remote build contexts are not supported; send the context as the "
					+ "request body");
		}
		BuildOptions options = new BuildOptions(tags(request), value(request, "dockerfile", "Dockerfile"),
				jsonMap(request.getParameter("buildargs"), "buildargs"),
				request.getParameter("target"), flag(request, "nocache"), flag(request, "pull"),
				nonNull(jsonMap(request.getParameter("labels"), "labels")), value(request, "networkmode", "bridge"),
				flag(request, "q"));
		Output output = new Output();
		try (BuildService.Prepared build = this.builds.prepare(request.getInputStream(), options, output)) {
			output.stream = JsonStream.start(response);
			try {
				build.run(output);
			}
			catch (BuildFailedException ex) {
				output.stream.error(ex.getMessage(), ex.code());
			}
			catch (UncheckedIOException ex) {
				// The client went away: the build stopped at its next write.
				build.cancel();
			}
		}
	}

	/** The stream once the 200 is out; lines before that (a pull for FROM cannot come before) are not expected. */
	private static final class Output implements BuildOutput {

		private @Nullable JsonStream stream;

		@Override
		public void stream(String text) {
			if (this.stream != null) {
				this.stream.stream(text);
			}
		}

		@Override
		public void aux(String imageId) {
			if (this.stream != null) {
				this.stream.aux(imageId);
			}
		}

	}

	private static List<String> tags(HttpServletRequest request) {
		String[] t = request.getParameterValues("t");
		return (t == null) ? List.of() : Arrays.stream(t).filter((s) -> !s.isEmpty()).toList();
	}

	private static String value(HttpServletRequest request, String name, String fallback) {
		String v = request.getParameter(name);
		return present(v) ? v : fallback;
	}

	private static boolean flag(HttpServletRequest request, String name) {
		String v = request.getParameter(name);
		return v != null && (v.equals("1") || v.equalsIgnoreCase("true"));
	}

	private static boolean present(@Nullable String v) {
		return v != null && !v.isEmpty();
	}

	private static Map<String, @Nullable String> jsonMap(@Nullable String json, String name) {
		if (!present(json)) {
			return new LinkedHashMap<>();
		}
		try {
			Map<String, @Nullable String> m = JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {
			});
			return (m == null) ? new LinkedHashMap<>() : m;
		}
		catch (JacksonException ex) {
			throw new InvalidParameterException("invalid " + name + ": " + ex.getOriginalMessage());
		}
	}

	private static Map<String, String> nonNull(Map<String, @Nullable String> m) {
		Map<String, String> out = new LinkedHashMap<>();
		m.forEach((k, v) -> out.put(k, (v == null) ? "" : v));
		return out;
	}

}
