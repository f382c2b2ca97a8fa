package io.berth.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.berth.error.InvalidParameterException;

/**
 * Turns {@code --user} ({@code name}, {@code uid}, {@code uid:gid}, {@code name:group}) into numeric ids, reading
 * /etc/passwd and /etc/group from the container's layers, topmost first, as they will appear in the container.
 */
final class UserResolver {

	record User(int uid, int gid, List<Integer> groups) {
	}

	private UserResolver() {
	}

	/** @param layers the container's directories, topmost first (the upper dir, then image layers) */
	static User resolve(String spec, List<Path> layers) {
		String userPart = spec.isEmpty() ? "0" : spec;
		String groupPart = null;
		int colon = userPart.indexOf(':');
		if (colon >= 0) {
			groupPart = userPart.substring(colon + 1);
			userPart = userPart.substring(0, colon);
		}
		List<String[]> passwd = table(layers, "etc/passwd");
		List<String[]> groupTable = table(layers, "etc/group");
		int uid;
		int gid = 0;
		String name = null;
		if (userPart.matches("\\d+")) {
			uid = parseId(userPart, spec);
			String u = userPart;
			Optional<String[]> entry = passwd.stream().filter((e) -> e.length > 3 && e[2].equals(u)).findFirst();
			if (entry.isPresent()) {
				gid = parseId(entry.get()[3], spec);
				name = entry.get()[0];
			}
		}
		else {
			String u = userPart;
			String[] entry = passwd.stream()
				.filter((e) -> e.length > 3 && e[0].equals(u))
				.findFirst()
				.orElseThrow(() -> new InvalidParameterException(
						"unable to find user " + u + ": no matching entries in passwd file"));
			uid = parseId(entry[2], spec);
			gid = parseId(entry[3], spec);
			name = u;
		}
		if (groupPart != null) {
			String g = groupPart;
			gid = g.matches("\\d+") ? parseId(g, spec)
					: parseId(groupTable.stream()
						.filter((e) -> e.length > 2 && e[0].equals(g))
						.findFirst()
						.orElseThrow(() -> new InvalidParameterException(
								"unable to find group " + g + ": no matching entries in group file"))[2], spec);
		}
		List<Integer> groups = new ArrayList<>();
		if (name != null) {
			String n = name;
			for (String[] e : groupTable) {
				if (e.length > 3 && List.of(e[3].split(",")).contains(n)) {
					int id = parseId(e[2], spec);
					if (id != gid && !groups.contains(id)) {
						groups.add(id);
					}
				}
			}
		}
		return new User(uid, gid, groups);
	}

	private static int parseId(String s, String spec) {
		try {
			long v = Long.parseLong(s);
			if (v < 0 || v > 0xFFFFFFFEL) {
				throw new NumberFormatException();
			}
			return (int) v;
		}
		catch (NumberFormatException ex) {
			throw new InvalidParameterException("invalid user " + spec);
		}
	}

	private static List<String[]> table(List<Path> layers, String file) {
		for (Path layer : layers) {
			Path p = layer.resolve(file);
			if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
				try {
					return Files.readAllLines(p).stream().map((l) -> l.split(":", -1)).toList();
				}
				catch (IOException ex) {
					return List.of();
				}
			}
		}
		return List.of();
	}

}
