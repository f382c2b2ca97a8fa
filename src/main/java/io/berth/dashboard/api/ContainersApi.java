package io.berth.dashboard.api;

import java.util.List;
import java.util.Map;

import io.berth.dashboard.security.RequiresRole;
import io.berth.dashboard.security.SignedInUser;
import io.berth.users.Role;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The containers list, the run form and the actions, for the dashboard's pages. */
@RestController
@RequestMapping("/ui/api/containers")
class ContainersApi {

	private final DashboardContainers containers;

	ContainersApi(DashboardContainers containers) {
		this.containers = containers;
	}

	@GetMapping
	List<Row> list(@RequestParam(required = false) String name, @RequestParam(required = false) String state,
			@RequestParam(required = false) String label, @RequestParam(required = false) String image,
			@RequestParam(defaultValue = "false") boolean removed) {
		RowFilter filter = new RowFilter(name, state, label, image);
		List<Row> rows = removed ? concat(this.containers.rows(), this.containers.removedRows()) : this.containers.rows();
		return rows.stream().filter(filter::matches).toList();
	}

	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@RequiresRole(Role.OPERATOR)
	DashboardContainers.Created run(HttpServletRequest request, @RequestBody RunForm form) {
		return this.containers.run(SignedInUser.of(request), form);
	}

	@GetMapping("/{id}")
	DashboardContainers.Details details(@PathVariable String id) {
		return this.containers.details(id);
	}

	@PostMapping("/{id}/{action:start|stop|restart|kill|pause|unpause}")
	@RequiresRole(Role.OPERATOR)
	Map<String, String> act(HttpServletRequest request, @PathVariable String id, @PathVariable String action) {
		return Map.of("cli", this.containers.act(SignedInUser.of(request), id, action));
	}

	@DeleteMapping("/{id}")
	@RequiresRole(Role.OPERATOR)
	Map<String, String> remove(HttpServletRequest request, @PathVariable String id) {
		return Map.of("cli", this.containers.act(SignedInUser.of(request), id, "remove"));
	}

	/** A bulk action's request. */
	record Bulk(String action, List<String> ids) {
	}

	@PostMapping("/bulk")
	@RequiresRole(Role.OPERATOR)
	Map<String, Object> bulk(HttpServletRequest request, @RequestBody Bulk bulk) {
		List<String> names = (bulk.ids() != null) ? bulk.ids().stream().map(this.containers::nameOf).toList() : List.of();
		List<DashboardContainers.BulkResult> results = this.containers.bulk(SignedInUser.of(request), bulk.action(),
				bulk.ids());
		return Map.of("results", results, "cli", DashboardContainers.bulkCli(bulk.action(), names));
	}

	private static List<Row> concat(List<Row> a, List<Row> b) {
		List<Row> all = new java.util.ArrayList<>(a);
		all.addAll(b);
		return all;
	}

}
