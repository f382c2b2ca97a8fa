package io.berth.api.dockercompat.system;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/** {@code /_ping}, which every client calls first; it must answer at once, for HEAD and GET alike. */
@RestController
class PingController {

	private static final MediaType TEXT = MediaType.parseMediaType("text/plain; charset=utf-8");

	@GetMapping("/_ping")
	ResponseEntity<String> ping() {
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore().mustRevalidate().cachePrivate())
			.header("Pragma", "no-cache")
			.contentType(TEXT)
			.body("OK");
	}

	@RequestMapping(path = "/_ping", method = RequestMethod.HEAD)
	ResponseEntity<Void> head() {
		return ResponseEntity.ok().header("Pragma", "no-cache").contentType(TEXT).build();
	}

}
