package io.berth.dashboard.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.berth.dashboard.api.DashboardContainers;
import io.berth.dashboard.api.Row;
import io.berth.dashboard.security.Csrf;
import io.berth.dashboard.security.RequiresRole;
import io.berth.dashboard.security.SignedInUser;
import io.berth.users.Role;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The dashboard's pages. Each is rendered with what it shows first, so it is useful before its scripts connect;
 * from then on the WebSocket keeps it current.
 */
@Controller
class PageController {

	private final DashboardContainers containers;

	PageController(DashboardContainers containers) {
		this.containers = containers;
	}

	/** The signed-in user as pages show them. */
	record Me(String username, String role) {
	}

	@ModelAttribute
	void common(HttpServletRequest request, Model model) {
		if (request.getAttribute(SignedInUser.class.getName()) != null) {
			SignedInUser user = SignedInUser.of(request);
			model.addAttribute("me", new Me(user.username(), user.role().wireName()));
			model.addAttribute("csrf", Csrf.token(request));
		}
	}

	@GetMapping("/ui/")
	String overview(Model model) {
		model.addAttribute("page", "overview");
		return "ui/overview";
	}

	@GetMapping("/ui/containers")
	String containers(Model model) {
		model.addAttribute("page", "containers");
		model.addAttribute("rows", this.containers.rows());
		return "ui/containers";
	}

	@GetMapping("/ui/containers/{id}")
	String container(@PathVariable String id, Model model) {
		DashboardContainers.Details details = this.containers.details(id);
		model.addAttribute("page", "container");
		model.addAttribute("containerId", details.row().id());
		model.addAttribute("row", details.row());
		return "ui/container";
	}

	@GetMapping("/ui/logs")
	String merged(@RequestParam(required = false) String ids, Model model) {
		List<Row> all = new ArrayList<>(this.containers.rows());
		all.addAll(this.containers.removedRows());
		model.addAttribute("page", "logs");
		model.addAttribute("ids", (ids == null || ids.isBlank()) ? List.of() : Arrays.asList(ids.split(",")));
		model.addAttribute("containers", all);
		return "ui/merged";
	}

	@GetMapping("/ui/events")
	String events(Model model) {
		model.addAttribute("page", "events");
		return "ui/events";
	}

	@GetMapping("/ui/users")
	@RequiresRole(Role.ADMIN)
	String users(Model model) {
		model.addAttribute("page", "users");
		return "ui/users";
	}

	@GetMapping("/ui/settings")
	@RequiresRole(Role.ADMIN)
	String settings(Model model) {
		model.addAttribute("page", "settings");
		return "ui/settings";
	}

}
