package io.berth.network;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.berth.error.UnavailableException;

/** IPAM: free subnets for new networks and free addresses in a network, lowest first. */
final class AddressPool {

	private AddressPool() {
	}

	/** A route or subnet already in use, as a network address and prefix length 0 to 32. */
	record Taken(long network, int prefix) {

		static Taken of(Ipv4Subnet s) {
			return new Taken(s.network(), s.prefix());
		}

		boolean overlaps(long otherNetwork, int otherPrefix) {
			int shorter = Math.min(this.prefix, otherPrefix);
			long mask = (shorter == 0) ? 0 : (0xffffffffL << (32 - shorter)) & 0xffffffffL;
			return (this.network & mask) == (otherNetwork & mask);
		}

	}

	/** The first subnet of that size in the pool that overlaps nothing taken. */
	static Optional<Ipv4Subnet> freeSubnet(Ipv4Subnet pool, int prefix, Collection<Taken> taken) {
		long step = 1L << (32 - prefix);
		for (long n = pool.network(); n < pool.network() + pool.size(); n += step) {
			long candidate = n;
			if (taken.stream().noneMatch((t) -> t.overlaps(candidate, prefix))) {
				return Optional.of(new Ipv4Subnet(candidate, prefix));
			}
		}
		return Optional.empty();
	}

	/** The lowest address that is not the network, broadcast or gateway address, nor used. */
	static String freeAddress(Ipv4Subnet subnet, String gateway, Set<String> used) {
		for (long offset = 1; offset < subnet.size() - 1; offset++) {
			String candidate = subnet.address(offset);
			if (!candidate.equals(gateway) && !used.contains(candidate)) {
				return candidate;
			}
		}
		throw new UnavailableException("no free address left in the subnet " + subnet);
	}

	/**
	 * The host's IPv4 routes other than the default one, from {@code /proc/net/route}, whose destinations and masks
	 * are little-endian hex. A new network must not take a subnet the host already reaches another way.
	 */
	static List<Taken> hostRoutes(Path routeFile) {
		List<Taken> out = new ArrayList<>();
		List<String> lines;
		try {
			lines = Files.readAllLines(routeFile);
		}
		catch (IOException ex) {
			return out;
		}
		for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
			String[] f = line.trim().split("\\s+");
			if (f.length < 8) {
				continue;
			}
			try {
				long dest = Integer.reverseBytes((int) Long.parseLong(f[1], 16)) & 0xffffffffL;
				long mask = Integer.reverseBytes((int) Long.parseLong(f[7], 16)) & 0xffffffffL;
				int prefix = Long.bitCount(mask);
				if (prefix > 0) {
					out.add(new Taken(dest, prefix));
				}
			}
			catch (NumberFormatException ex) {
				// Not a route line.
			}
		}
		return out;
	}

}
