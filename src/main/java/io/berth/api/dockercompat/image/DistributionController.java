package io.berth.api.dockercompat.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import io.berth.error.EngineException;
import io.berth.image.ImageReference;
import io.berth.image.distribution.PullService;
import io.berth.image.distribution.PushService;
import io.berth.image.distribution.RegistryCredentials;
import io.berth.image.distribution.RegistryLogin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Registry traffic: {@code docker pull}, {@code docker push} and {@code docker login}. Failures found before any
 * output (no such manifest, bad credentials) get their HTTP status; later ones end the progress stream with an
 * {@code errorDetail}, as dockerd does.
 */
@RestController
class DistributionController {

	private static final Log logger = LogFactory.getLog(DistributionController.class);

	private final PullService pulls;

	private final PushService pushes;

	private final RegistryLogin login;

	DistributionController(PullService pulls, PushService pushes, RegistryLogin login) {
		this.pulls = pulls;
		this.pushes = pushes;
		this.login = login;
	}

	@PostMapping(path = "/images/create", params = "fromImage")
	void pull(@RequestParam("fromImage") String fromImage, @RequestParam(name = "tag", defaultValue = "") String tag,
			@RequestParam(name = "platform", defaultValue = "") String platform, HttpServletRequest request,
			HttpServletResponse response) throws IOException {
		RegistryCredentials credentials = RegistryCredentials.fromHeader(request.getHeader("X-Registry-Auth"));
		ImageReference ref = PullService.reference(fromImage, tag);
		if (!ref.hasTag() && !ref.hasDigest()) {
			pullAllTags(ref, platform, credentials, response);
			return;
		}
		PullService.Resolved resolved = this.pulls.resolve(ref, platform, credentials);
		JsonStream out = JsonStream.start(response);
		streamed(out, () -> this.pulls.complete(resolved, out));
	}

	private void pullAllTags(ImageReference repository, String platform, RegistryCredentials credentials,
			HttpServletResponse response) throws IOException {
		List<String> tags = this.pulls.tags(repository, credentials);
		JsonStream out = JsonStream.start(response);
		streamed(out, () -> {
			for (String t : tags) {
				this.pulls.complete(this.pulls.resolve(repository.withTag(t), platform, credentials), out);
			}
		});
	}

	/** Called by {@link ImagesController}, which owns the {@code /images/**} routes. */
	void push(String name, String tag, HttpServletRequest request, HttpServletResponse response) throws IOException {
		RegistryCredentials credentials = RegistryCredentials.fromHeader(request.getHeader("X-Registry-Auth"));
		PushService.Plan plan = this.pushes.plan(name, tag, credentials);
		JsonStream out = JsonStream.start(response);
		streamed(out, () -> this.pushes.push(plan, out));
	}

	@PostMapping("/auth")
	LoginResponse auth(@RequestBody(required = false) byte[] body) {
		RegistryCredentials credentials = RegistryCredentials.fromJson((body != null) ? body : new byte[0]);
		this.login.login(credentials);
		return new LoginResponse("Login Succeeded", "");
	}

	private static void streamed(JsonStream out, Runnable work) {
		try {
			work.run();
		}
		catch (UncheckedIOException ex) {
			logger.info("registry transfer ended: its client went away");
		}
		catch (EngineException ex) {
			out.error(ex.getMessage());
		}
		catch (RuntimeException ex) {
			logger.error("registry transfer failed", ex);
			out.error(ex.getMessage() != null ? ex.getMessage() : ex.toString());
		}
	}

}
