package io.berth.api.dockercompat.image;

import java.io.IOException;

import io.berth.error.NotImplementedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Registry traffic: {@code docker pull}, {@code docker push} and {@code docker login}. */
@RestController
class DistributionController {

	@PostMapping(path = "/images/create", params = "fromImage")
	void pull(@RequestParam("fromImage") String fromImage, @RequestParam(name = "tag", defaultValue = "") String tag,
			HttpServletRequest request, HttpServletResponse response) throws IOException {
		throw new NotImplementedException("pulling from a registry is not supported yet: " + fromImage);
	}

	/** Called by {@link ImagesController}, which owns the {@code /images/**} routes. */
	void push(String name, String tag, HttpServletRequest request, HttpServletResponse response) throws IOException {
		throw new NotImplementedException("pushing to a registry is not supported yet: " + name);
	}

}
